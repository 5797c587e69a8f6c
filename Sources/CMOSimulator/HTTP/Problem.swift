import HTTPTypes
import Hummingbird
import NIOCore

/// An RFC 7807-style problem body in the real service's shape:
/// `{"type","status","title","detail","instance","externalErrors":[],"@type":"problem","traceId"}`.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var detail: String
    /// Extra headers, e.g. `Allow`, `Retry-After`, `WWW-Authenticate`.
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    /// The `type` member: the status' reason phrase, as the real service writes it (`"Not Found"`).
    var typeName: String {
        switch status.code {
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        default: status.reasonPhrase
        }
    }

    /// The response for a request to `instance` (the request path), tagged with `correlationID`.
    func response(instance: String, correlationID: String) -> Response {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("type", typeName)
        writer.field("status", status.code)
        writer.field("title", "Error")
        writer.field("detail", detail)
        writer.field("instance", instance)
        writer.key("externalErrors")
        writer.beginArray()
        writer.endArray()
        writer.field("@type", "problem")
        writer.field("traceId", Identifiers.traceID())
        writer.endObject()
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.correlationID] = correlationID
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}

extension Problem {
    static func notFound(_ detail: String) -> Problem { Problem(.notFound, detail) }
    static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, detail) }

    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: String) -> Problem {
        Problem(.methodNotAllowed, "Method \(method.rawValue) is not allowed here; allowed: \(allowed).", headers: [.allow: allowed])
    }

    static func unauthorized(_ rejection: TokenRejection, realm: String) -> Problem {
        let error = rejection == .missing ? "" : #", error="invalid_token""#
        return Problem(.unauthorized, rejection.description, headers: [.wwwAuthenticate: #"Bearer realm="\#(realm)""# + error])
    }
}
