import HTTPTypes
import Hummingbird
import NIOCore

/// An OAuth 2.0 error body as Keycloak writes it: `{"error":"invalid_client","error_description":"..."}`.
struct OAuthError: Error, Sendable {
    var status: HTTPResponse.Status
    var error: String
    var description: String

    init(_ status: HTTPResponse.Status, error: String, description: String) {
        self.status = status
        self.error = error
        self.description = description
    }

    func response(correlationID: String) -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("error", error)
        writer.field("error_description", description)
        writer.endObject()
        var headers: HTTPFields = [.contentType: "application/json", .correlationID: correlationID]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Basic realm=\"cmo\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}
