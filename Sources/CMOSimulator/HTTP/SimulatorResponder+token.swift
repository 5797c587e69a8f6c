#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /auth/realms/{realm}/protocol/openid-connect/token`: Keycloak's client-credentials grant.
extension SimulatorResponder {
    func respondToToken(_ request: Request, correlationID: String) async -> Response {
        do {
            return try await issueToken(request, correlationID: correlationID)
        } catch let error as OAuthError {
            return error.response(correlationID: correlationID)
        } catch {
            return OAuthError(.badRequest, error: "invalid_request", description: "The request could not be read.").response(correlationID: correlationID)
        }
    }

    private func issueToken(_ request: Request, correlationID: String) async throws -> Response {
        guard request.method == .post else {
            throw OAuthError(.methodNotAllowed, error: "invalid_request", description: "HTTP method \(request.method.rawValue) not allowed; use POST.")
        }
        guard Self.hasContentType(request, "application/x-www-form-urlencoded") else {
            throw OAuthError(.badRequest, error: "invalid_request", description: "Content-Type must be application/x-www-form-urlencoded.")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: 64 * 1024)
        } catch {
            throw OAuthError(.contentTooLarge, error: "invalid_request", description: "The request body is too large.")
        }
        var form: [String: String] = [:]
        for (name, value) in QueryString.parse(Substring(String(decoding: body.readableBytesView, as: UTF8.self))) where form[name] == nil {
            form[name] = value
        }
        guard let grant = form["grant_type"] else {
            throw OAuthError(.badRequest, error: "invalid_request", description: "Missing form parameter: grant_type")
        }
        guard grant == "client_credentials" else {
            throw OAuthError(.badRequest, error: "unsupported_grant_type", description: "Unsupported grant_type")
        }
        var clientID = form["client_id"]
        var secret = form["client_secret"]
        if let authorization = request.headers[.authorization] {
            guard let (basicID, basicSecret) = Self.basicCredentials(authorization) else {
                throw OAuthError(.unauthorized, error: "invalid_client", description: "Malformed Basic credentials")
            }
            clientID = basicID
            secret = basicSecret
        }
        guard let clientID, let client = clients[clientID], let secret, secret == client.secret else {
            throw OAuthError(.unauthorized, error: "invalid_client", description: "Invalid client or Invalid client credentials")
        }
        let requestedScope = form["scope"] ?? ""
        let openID = requestedScope.split(separator: " ").contains("openid")
        let scope = openID ? "openid profile email" : "profile email"
        let nowMillis = nowMillis()
        let now = nowMillis / 1000
        let issuer = address.baseURL + "/auth/realms/" + configuration.realm
        let tenants = client.tenants ?? configuration.tenants
        let (token, _) = tokens.issue(for: client, tenants: tenants, scope: scope, issuer: issuer, now: nowMillis)

        var writer = JSONWriter(capacity: 2048)
        writer.beginObject()
        writer.field("access_token", token)
        writer.field("expires_in", configuration.tokenTTL)
        writer.field("refresh_expires_in", 0)
        writer.field("token_type", "Bearer")
        if openID {
            var claims = JSONWriter()
            claims.beginObject()
            claims.field("iss", issuer)
            claims.field("aud", client.id)
            claims.field("sub", "service-account-" + client.id)
            claims.field("typ", "ID")
            claims.field("azp", client.id)
            claims.field("iat", Int(now))
            claims.field("exp", Int(now) + configuration.tokenTTL)
            claims.endObject()
            let idToken = Base64URL.encode(#"{"alg":"none","typ":"JWT"}"#) + "." + Base64URL.encode(claims.bytes) + "."
                + Identifiers.randomBase64URL(byteCount: 16)
            writer.field("id_token", idToken)
        }
        writer.field("not-before-policy", 0)
        writer.field("scope", scope)
        writer.endObject()
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", .correlationID: correlationID, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes))
        )
    }

    /// Decodes `Basic base64(id:secret)` (id and secret form-url-encoded first, as RFC 6749 §2.3.1 says).
    static func basicCredentials(_ header: String) -> (String, String)? {
        guard header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        let encoded = header.dropFirst(6).trimmingSpaces()
        guard let data = Data(base64Encoded: String(encoded)),
              let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        let id = QueryString.decode(text[..<colon])
        let secret = QueryString.decode(text[text.index(after: colon)...])
        return (id, secret)
    }
}
