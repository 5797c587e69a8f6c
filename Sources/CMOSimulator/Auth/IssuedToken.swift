/// What the simulator remembers of an access token it issued.
struct IssuedToken: Sendable, Equatable {
    var clientID: String
    var tenants: [String]
    var access: SimulatorClient.Access
    /// Epoch milliseconds.
    var issuedAt: Int64
    /// Epoch milliseconds.
    var expiresAt: Int64
}

/// Why a bearer token was refused (401).
enum TokenRejection: Error, Equatable, CustomStringConvertible {
    case missing
    case malformed
    case unknown
    case expired

    var description: String {
        switch self {
        case .missing: "The request carries no bearer token."
        case .malformed: "The Authorization header is not a well-formed bearer token."
        case .unknown: "The access token is not known to this server."
        case .expired: "The access token has expired."
        }
    }
}
