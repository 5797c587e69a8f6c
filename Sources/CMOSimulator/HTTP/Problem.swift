import HTTPTypes
import Hummingbird
import NIOCore

/// An RFC 7807-style problem body in the real service's shape:
/// `{"type","status","title","detail","instance","externalErrors":[],"@type":"problem","traceId"}`.
struct Problem: Error, Sendable {
    /// One validation problem of a 400, in the `errors` array: `{"field": "pageSize", "message": "..."}` for a
    /// query parameter or body member, `{"path": "/1/value", "message": "..."}` for a place in a JSON document.
    struct ValidationIssue: Sendable, Equatable {
        enum Location: Sendable, Equatable {
            case field(String)
            case path(String)
        }

        var location: Location
        var message: String

        static func field(_ name: String, _ message: String) -> ValidationIssue { .init(location: .field(name), message: message) }
        static func path(_ pointer: String, _ message: String) -> ValidationIssue { .init(location: .path(pointer), message: message) }
    }

    var status: HTTPResponse.Status
    /// A one-line summary.
    var detail: String
    /// Extra headers, e.g. `Allow`, `Retry-After`, `WWW-Authenticate`.
    var headers: HTTPFields = [:]
    /// Every validation problem (400 only, where the body has an `errors` array).
    var errors: [ValidationIssue] = []

    init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:], errors: [ValidationIssue] = []) {
        self.status = status
        self.detail = detail
        self.headers = headers
        self.errors = errors
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
        if status == .badRequest {
            // "A 400 may include an additional errors property" listing each validation problem.
            writer.key("errors")
            writer.beginArray()
            for issue in errors.isEmpty ? [.field("body", detail)] : errors {
                writer.beginObject()
                switch issue.location {
                case .field(let name): writer.field("field", name)
                case .path(let pointer): writer.field("path", pointer)
                }
                writer.field("message", issue.message)
                writer.endObject()
            }
            writer.endArray()
        }
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
    static func badRequest(_ detail: String, errors: [ValidationIssue] = []) -> Problem {
        Problem(.badRequest, detail, errors: errors)
    }

    /// A 400 for one invalid query parameter or body member.
    static func badRequest(field: String, _ message: String) -> Problem {
        Problem(.badRequest, message, errors: [.field(field, message)])
    }

    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: String) -> Problem {
        Problem(.methodNotAllowed, "Method \(method.rawValue) is not allowed here; allowed: \(allowed).", headers: [.allow: allowed])
    }

    static func unauthorized(_ rejection: TokenRejection, realm: String) -> Problem {
        let error = rejection == .missing ? "" : #", error="invalid_token""#
        return Problem(.unauthorized, rejection.description, headers: [.wwwAuthenticate: #"Bearer realm="\#(realm)""# + error])
    }
}
