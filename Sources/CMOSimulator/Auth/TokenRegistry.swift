/// Issues JWT-shaped access tokens and remembers them, so that unknown and expired tokens answer 401.
///
/// Tokens look like the real Keycloak ones (`header.payload.signature`, base64url) and carry the same claims, but
/// are not signed: the header says `"alg":"none"` and the third segment is a random reference. Only this registry
/// decides whether a token is valid.
final class TokenRegistry: Sendable {
    private let tokens = Locked<[String: IssuedToken]>([:])
    private let ttl: Int64

    init(ttl: Int) {
        self.ttl = Int64(ttl)
    }

    /// Issues a token for `client` at `now` (epoch milliseconds); `issuer` is the realm URL (`iss`).
    func issue(for client: SimulatorClient, tenants: [String], scope: String, issuer: String, now: Int64) -> (token: String, record: IssuedToken) {
        let record = IssuedToken(
            clientID: client.id, tenants: tenants, access: client.access, issuedAt: now, expiresAt: now + ttl * 1000
        )
        let header = #"{"alg":"none","typ":"JWT","kid":"cmo-sim"}"#
        var payload = JSONWriter()
        payload.beginObject()
        payload.field("exp", Int(record.expiresAt / 1000))
        payload.field("iat", Int(now / 1000))
        payload.field("jti", Identifiers.uuid())
        payload.field("iss", issuer)
        payload.field("sub", "service-account-" + client.id)
        payload.field("typ", "Bearer")
        payload.field("azp", client.id)
        payload.field("scope", scope)
        payload.field("clientId", client.id)
        payload.key("tenants")
        payload.beginArray()
        for tenant in tenants { payload.string(tenant) }
        payload.endArray()
        payload.key("realm_access")
        payload.beginObject()
        payload.key("roles")
        payload.beginArray()
        payload.string("ro%connection-management-orchestrator")
        if client.access == .readWrite { payload.string("rw%connection-management-orchestrator") }
        payload.endArray()
        payload.endObject()
        payload.endObject()
        let token = Base64URL.encode(header) + "." + Base64URL.encode(payload.bytes) + "." + Identifiers.randomBase64URL(byteCount: 32)
        tokens.withLock { tokens in
            // Expired tokens are kept (they answer "expired", not "unknown") until the registry grows large.
            if tokens.count > 10_000 {
                tokens = tokens.filter { $0.value.expiresAt > now }
            }
            tokens[token] = record
        }
        return (token, record)
    }

    /// Validates the value of an `Authorization` header at `now` (epoch milliseconds).
    func validate(authorization: Substring?, now: Int64) -> Result<IssuedToken, TokenRejection> {
        guard let authorization, !authorization.isEmpty else { return .failure(.missing) }
        // Byte-level checks: this runs on every API request.
        let bytes = authorization.utf8
        guard bytes.count > 7, bytes.prefix(7).elementsEqual("bearer ".utf8, by: { $0 | 0x20 == $1 }) else {
            return .failure(.malformed)
        }
        let token = authorization.dropFirst(7).trimmingSpaces()
        let tokenBytes = token.utf8
        guard !tokenBytes.isEmpty, tokenBytes.count < 8192,
              tokenBytes.reduce(0, { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) }) == 2
        else {
            return .failure(.malformed)
        }
        let key = String(token)
        let record = tokens.withLock { $0[key] }
        guard let record else { return .failure(.unknown) }
        guard record.expiresAt > now else { return .failure(.expired) }
        return .success(record)
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
