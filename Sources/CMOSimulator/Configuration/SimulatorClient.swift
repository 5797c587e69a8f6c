/// An API client registered with the simulator's token endpoint (a Keycloak client-credentials client).
public struct SimulatorClient: Sendable, Hashable, CustomStringConvertible {
    /// What the client's tokens allow.
    public enum Access: String, Sendable, Hashable {
        /// `ro%connection-management-orchestrator`: reads only; a PATCH answers 403.
        case readOnly = "ro"
        /// `rw%connection-management-orchestrator`: reads and writes.
        case readWrite = "rw"
    }

    public var id: String
    public var secret: String
    public var access: Access
    /// Tenants put into the client's tokens; `nil` means every tenant the simulator serves.
    public var tenants: [String]?

    public init(id: String, secret: String, access: Access = .readWrite, tenants: [String]? = nil) {
        self.id = id
        self.secret = secret
        self.access = access
        self.tenants = tenants
    }

    /// The demo client that works with no configuration: `cmo-demo` / `cmo-demo-secret`, read-write.
    public static let demo = SimulatorClient(id: "cmo-demo", secret: "cmo-demo-secret", access: .readWrite)

    /// Parses `ID:SECRET[:ro|rw]` as given to `cmo sim --client`. Returns `nil` when malformed.
    public init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        var access = Access.readWrite
        if parts.count == 3 {
            guard let parsed = Access(rawValue: parts[2]) else { return nil }
            access = parsed
        }
        self.init(id: parts[0], secret: parts[1], access: access)
    }

    /// Never shows the secret.
    public var description: String { "\(id) (\(access.rawValue))" }
}
