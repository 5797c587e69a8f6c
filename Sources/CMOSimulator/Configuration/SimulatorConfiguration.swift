import CMOClient

/// Everything that shapes a simulator: where it listens, who may call it, the fleet it serves, and the faults
/// it injects. Every `cmo sim` flag maps to one field.
public struct SimulatorConfiguration: Sendable {
    /// What happens to a request whose connection is dropped (`dropRate`).
    public enum DropMode: String, Sendable {
        /// The request is processed (a PATCH is applied), then the connection closes without an answer: the
        /// client cannot tell whether its change happened. The default, as it is the case a client must survive.
        case afterProcessing
        /// The connection closes before anything is done: nothing changed.
        case beforeProcessing
    }

    /// Host to bind; `127.0.0.1` by default.
    public var host: String
    /// Port to bind; 0 (the default) lets the system choose, see ``CMOSimulator/port``.
    public var port: Int
    /// Keycloak realm of the token endpoint, `cmo` by default.
    public var realm: String
    /// Tenants served, the first is the default one. `["eos"]` by default.
    public var tenants: [String]
    /// Registered clients; ``SimulatorClient/demo`` by default.
    public var clients: [SimulatorClient]
    /// Number of products generated (when no state file holds a fleet already).
    public var fleetSize: Int
    /// Seed of the fleet and of every random decision (faults, drops, jitter, monitor outcomes).
    public var seed: UInt64
    /// Lifetime of an access token in seconds (`expires_in`), 300 like the real service.
    public var tokenTTL: Int
    /// Latency added to every response, in milliseconds.
    public var latencyMilliseconds: Int
    /// Extra random latency, uniform in `0...jitterMilliseconds`.
    public var jitterMilliseconds: Int
    /// Time an asynchronous status change stays `InProgress`, in milliseconds (1500 by default).
    public var asyncDelayMilliseconds: Int
    /// Share of API requests answered 500, 502 or 503 before anything is done (0...1).
    public var faultRate: Double
    /// Share of API requests whose connection is closed without an answer (0...1), see ``dropMode``.
    public var dropRate: Double
    /// Whether a dropped request was processed first.
    public var dropMode: DropMode
    /// Requests per second allowed per client (a token bucket with a one-second burst); `nil`: unlimited.
    public var rateLimit: Double?
    /// Share of asynchronous changes whose monitor ends `InError` (the product returns to its former status).
    public var inErrorRate: Double
    /// Largest `pageSize` a list accepts; above it answers 400. 100 by default.
    public var maxPageSize: Int
    /// Page size when a list request gives none.
    public var defaultPageSize: Int
    /// SQLite file keeping fleet and monitors across restarts; `nil`: in memory only.
    public var statePath: String?
    /// The backends: which answer status changes through a monitor, their transitions, pending statuses and
    /// rate limits (``BackendCatalogue/standard``, or overridden by `cmo sim --backends FILE`).
    public var backends: BackendCatalogue
    /// Requests per hour allowed per client (`cmo sim --quota`); beyond it 429 with a `Retry-After` of up to an
    /// hour. `nil` (the default): no quota.
    public var quotaPerHour: Int?
    /// Largest request body accepted, in bytes; larger answers 413.
    public var maxBodyBytes: Int
    /// HTTPS instead of plain HTTP (`cmo sim --tls`); `nil` (the default): plain HTTP.
    public var tls: TLS?
    /// Where the simulator reads the time (async delays, token expiry, rate buckets): the system's clock, or the
    /// ``CMOClient/SimulatedClock`` a `cmo test` shares with the client.
    public var clock: any CMOClock
    /// Products the fleet holds instead of `fleetSize` generated ones (`cmo test`'s `fleet.products` and
    /// `fleet.cassette`); empty (the default): a generated fleet.
    public var products: [SeedProduct] = []

    /// Creates a configuration; every default gives a working demo.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        realm: String = "cmo",
        tenants: [String] = ["eos"],
        clients: [SimulatorClient] = [.demo],
        fleetSize: Int = 1000,
        seed: UInt64 = 1,
        tokenTTL: Int = 300,
        latencyMilliseconds: Int = 0,
        jitterMilliseconds: Int = 0,
        asyncDelayMilliseconds: Int = 1500,
        faultRate: Double = 0,
        dropRate: Double = 0,
        dropMode: DropMode = .afterProcessing,
        rateLimit: Double? = nil,
        inErrorRate: Double = 0,
        maxPageSize: Int = 100,
        defaultPageSize: Int = 10,
        statePath: String? = nil,
        backends: BackendCatalogue = .standard,
        quotaPerHour: Int? = nil,
        maxBodyBytes: Int = 1 << 20,
        tls: TLS? = nil,
        clock: any CMOClock = SystemClock()
    ) {
        self.host = host
        self.port = port
        self.realm = realm
        self.tenants = tenants
        self.clients = clients
        self.fleetSize = fleetSize
        self.seed = seed
        self.tokenTTL = tokenTTL
        self.latencyMilliseconds = latencyMilliseconds
        self.jitterMilliseconds = jitterMilliseconds
        self.asyncDelayMilliseconds = asyncDelayMilliseconds
        self.faultRate = faultRate
        self.dropRate = dropRate
        self.dropMode = dropMode
        self.rateLimit = rateLimit
        self.inErrorRate = inErrorRate
        self.maxPageSize = maxPageSize
        self.defaultPageSize = defaultPageSize
        self.statePath = statePath
        self.backends = backends
        self.quotaPerHour = quotaPerHour
        self.maxBodyBytes = maxBodyBytes
        self.tls = tls
        self.clock = clock
    }

    /// The tenant clients use by default: the first configured one.
    public var defaultTenant: String { tenants.first ?? "eos" }
}
