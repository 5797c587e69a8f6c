import NIOCore
import NIOHTTP1
import Testing

@testable import CMOClient

@Suite struct ProblemAndRedactionTests {
    @Test func readsRFC7807Problems() throws {
        let json = try JSONValue(
            parsing: """
                {"type":"Not Found","status":404,"title":"Error","detail":"Product with iccid 8949 not found",
                 "instance":"/eos/product/x","externalErrors":[],"@type":"problem","traceId":"abc123"}
                """)
        let problem = try #require(Problem(json: json))
        #expect(problem.type == "Not Found")
        #expect(problem.status == 404)
        #expect(problem.headline == "Error")
        #expect(problem.explanation == "Product with iccid 8949 not found")
        #expect(problem.traceId == "abc123")
    }

    @Test func readsTMFErrors() throws {
        let json = try JSONValue(
            parsing: #"{"code":"ERR-42","reason":"Invalid status transition","message":"BLOCKED cannot change","status":"422"}"#)
        let problem = try #require(Problem(json: json))
        #expect(problem.code == "ERR-42")
        #expect(problem.headline == "Invalid status transition")
        #expect(problem.explanation == "BLOCKED cannot change")
        #expect(problem.status == 422)
    }

    @Test func nonProblemBodiesAreNotProblems() throws {
        #expect(Problem(json: try JSONValue(parsing: #"{"entities":[]}"#)) == nil)
        #expect(Problem(json: .array([])) == nil)
    }

    @Test func httpErrorsCarryProblemAndCorrelation() {
        var headers = HTTPHeaders()
        headers.add(name: "correlationId", value: "c-1")
        let body = ByteBuffer(string: #"{"title":"Conflict","detail":"monitor in progress","traceId":"t-9","status":409}"#)
        let outcome = HTTPOutcome(status: 409, headers: headers, body: body)
        let error = CMOError.http(request: "PATCH product/x-simCard", response: outcome, retryable: false, attempts: 1)
        #expect(error.kind == .http)
        #expect(error.status == 409)
        #expect(error.title == "Conflict")
        #expect(error.detail == "monitor in progress")
        #expect(error.correlationId == "c-1")
        #expect(error.traceId == "t-9")
        #expect(
            error.description
                == "http: PATCH product/x-simCard failed with HTTP 409; request: PATCH product/x-simCard; status: 409; "
                + "title: Conflict; detail: monitor in progress; correlationId: c-1; traceId: t-9")
    }

    @Test func headersAreRedacted() {
        let headers: HTTPHeaders = [
            "Authorization": "Bearer eyJsecret.token.value", "Accept": "application/json", "Cookie": "s=1",
        ]
        let lines = Redactor.redact(headers: headers)
        #expect(lines.contains("Authorization: Bearer <redacted>"))
        #expect(lines.contains("Accept: application/json"))
        #expect(lines.contains("Cookie: <redacted>"))
        #expect(!lines.joined().contains("eyJsecret"))
    }

    @Test func formAndJSONBodiesAreRedacted() {
        let form = "grant_type=client_credentials&client_id=app&client_secret=s3cr3t&scope=openid"
        #expect(
            Redactor.redact(body: Array(form.utf8), contentType: "application/x-www-form-urlencoded")
                == "grant_type=client_credentials&client_id=app&client_secret=<redacted>&scope=openid")
        let json = #"{"access_token":"eyJhbGc.x.y","expires_in":300,"nested":{"id_token":"abc"}}"#
        let redacted = Redactor.redact(body: Array(json.utf8), contentType: "application/json")
        #expect(redacted == #"{"access_token":"<redacted>","expires_in":300,"nested":{"id_token":"<redacted>"}}"#)
    }

    @Test func secretsNeverShowInDescriptions() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        let auth = Configuration.Auth(tokenURL: "http://x/token", clientID: "app", clientSecret: secret)
        #expect(!"\(auth)".contains("hunter2"))
    }
}
