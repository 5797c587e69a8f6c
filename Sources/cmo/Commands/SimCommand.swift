import ArgumentParser
import CMOClient
import CMOSimulator
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cmo sim`: runs the CMO API simulator until SIGINT or SIGTERM.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a local simulator of the CMO API (token endpoint, products, changes, monitors).",
        discussion: """
            With no flags it serves 1000 products to the tenant 'eos' for the client cmo-demo and prints the \
            environment a client needs. Stop it with Ctrl-C.

            With --tls it serves HTTPS, offering HTTP/2 and HTTP/1.1 by ALPN (HTTP/1.1 only with --no-http2). \
            Without --tls-cert/--tls-key it makes a CA and a certificate for 127.0.0.1, localhost and ::1 at start, \
            writes the CA to a file (--tls-ca-file, else a temporary file) and prints CMO_CA_FILE=FILE with the \
            other variables.
            """
    )

    @Option(help: "Host to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0: any free port).")
    var port = 8080

    @Option(name: .customLong("tenant"), help: "A tenant to serve (repeatable; the first is the default). Default: eos.")
    var tenants: [String] = []

    @Option(name: .customLong("client"), help: "A client as ID:SECRET[:ro|rw] (repeatable). Default: cmo-demo:cmo-demo-secret:rw.")
    var clients: [String] = []

    @Option(help: "Keycloak realm of the token endpoint.")
    var realm = "cmo"

    @Option(help: "Number of products to generate.")
    var fleet = 1000

    @Option(help: "Seed of the fleet and of every random decision.")
    var seed: UInt64 = 1

    @Option(name: .customLong("token-ttl"), help: "Access token lifetime in seconds.")
    var tokenTTL = 300

    @Option(name: .customLong("latency-ms"), help: "Latency added to every API response, in milliseconds.")
    var latencyMs = 0

    @Option(name: .customLong("jitter-ms"), help: "Extra random latency, up to this many milliseconds.")
    var jitterMs = 0

    @Option(name: .customLong("async-delay-ms"), help: "How long an asynchronous change stays InProgress, in milliseconds.")
    var asyncDelayMs = 1500

    @Option(name: .customLong("fault-rate"), help: "Share (0-1) of API requests answered 500/502/503 without doing anything.")
    var faultRate = 0.0

    @Option(name: .customLong("drop-rate"), help: "Share (0-1) of API requests whose connection is closed without an answer.")
    var dropRate = 0.0

    @Flag(
        inversion: .prefixedNo,
        help: "Whether a dropped request was processed (a PATCH applied) before its connection closed."
    )
    var dropAppliesChange = true

    @Option(name: .customLong("rate-limit"), help: "Requests per second allowed per client (token bucket); unlimited when absent.")
    var rateLimit: Double?

    @Option(
        name: .customLong("quota"),
        help: ArgumentHelp("Requests per hour allowed per client; beyond it 429 with Retry-After up to an hour. Off when absent.", valueName: "N")
    )
    var quota: Int?

    @Option(
        help: ArgumentHelp(
            "TOML file overriding the backends table: [backends.NAME] with asynchronous, transitions, requests_per_second, termination_status, status_carrier (README: Backends).",
            valueName: "FILE"
        )
    )
    var backends: String?

    @Option(name: .customLong("in-error-rate"), help: "Share (0-1) of asynchronous changes whose monitor ends InError.")
    var inErrorRate = 0.0

    @Option(name: .customLong("max-page-size"), help: "Largest pageSize a list accepts (above: 400).")
    var maxPageSize = 100

    @Option(help: "SQLite file that keeps the fleet and monitors across restarts.")
    var state: String?

    @Flag(help: "Serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN).")
    var tls = false

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("With --tls: the server certificate (PEM, leaf first).", valueName: "FILE"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("With --tls: the server certificate's private key (PEM).", valueName: "FILE"))
    var tlsKey: String?

    @Option(
        name: .customLong("tls-ca-file"),
        help: ArgumentHelp("With --tls and no --tls-cert: where to write the generated CA (default: a temporary file).", valueName: "FILE"))
    var tlsCAFile: String?

    @Option(
        name: .customLong("tls-client-ca"),
        help: ArgumentHelp("With --tls: require client certificates signed by a CA of this PEM file (mutual TLS).", valueName: "FILE"))
    var tlsClientCA: String?

    @Flag(name: .customLong("http2"), inversion: .prefixedNo, help: "With --tls: offer HTTP/2 by ALPN beside HTTP/1.1.")
    var http2 = true

    @Option(name: .customLong("log-level"), help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "notice"

    func makeConfiguration() throws -> SimulatorConfiguration {
        var parsedClients: [SimulatorClient] = []
        for argument in clients {
            guard let client = SimulatorClient(argument: argument) else {
                throw ValidationError("--client must be ID:SECRET[:ro|rw], got '\(argument)'")
            }
            parsedClients.append(client)
        }
        let configuration = SimulatorConfiguration(
            host: host,
            port: port,
            realm: realm,
            tenants: tenants.isEmpty ? ["eos"] : tenants,
            clients: parsedClients.isEmpty ? [.demo] : parsedClients,
            fleetSize: fleet,
            seed: seed,
            tokenTTL: tokenTTL,
            latencyMilliseconds: latencyMs,
            jitterMilliseconds: jitterMs,
            asyncDelayMilliseconds: asyncDelayMs,
            faultRate: faultRate,
            dropRate: dropRate,
            dropMode: dropAppliesChange ? .afterProcessing : .beforeProcessing,
            rateLimit: rateLimit,
            inErrorRate: inErrorRate,
            maxPageSize: maxPageSize,
            defaultPageSize: min(10, maxPageSize),
            statePath: state,
            backends: try loadBackends(),
            quotaPerHour: quota,
            tls: try makeTLS()
        )
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return configuration
    }

    /// `--tls` and its files; TLS options without `--tls`, or one of `--tls-cert`/`--tls-key` alone, are usage errors.
    func makeTLS() throws -> SimulatorConfiguration.TLS? {
        guard tls else {
            if tlsCert != nil || tlsKey != nil || tlsCAFile != nil || tlsClientCA != nil {
                throw ValidationError("--tls-cert, --tls-key, --tls-ca-file and --tls-client-ca need --tls")
            }
            return nil
        }
        var setting = SimulatorConfiguration.TLS(http2: http2, caFile: tlsCAFile, clientCAFile: tlsClientCA)
        switch (tlsCert, tlsKey) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            guard tlsCAFile == nil else { throw ValidationError("--tls-ca-file is for a generated certificate: drop it with --tls-cert") }
            setting.certificate = .files(certificate: certificate, key: key)
        default:
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        return setting
    }

    /// The standard catalogue with `--backends FILE` laid over it; a bad file is a usage error (exit 2).
    func loadBackends() throws -> BackendCatalogue {
        guard let backends else { return .standard }
        let text: String
        do {
            text = try String(contentsOfFile: backends, encoding: .utf8)
        } catch {
            throw ValidationError("--backends \(backends): cannot read the file")
        }
        do {
            return try BackendCatalogue.standard.overridden(byTOML: text)
        } catch {
            throw ValidationError("--backends \(backends): \(error.description)")
        }
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        var logger = Logger(label: "cmo.sim")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let simulator = try await CMOSimulator.start(configuration, logger: logger, handleSignals: true)
        let client = simulator.defaultClient
        print("cmo sim listening on \(simulator.baseURL)")
        print(
            "CMO_API_URL=\(simulator.apiURL) CMO_TENANT=\(simulator.defaultTenant) CMO_AUTH_URL=\(simulator.authURL) "
                + "CMO_CLIENT_ID=\(client.id) CMO_CLIENT_SECRET=\(client.secret)"
                + (simulator.caFile.map { " CMO_CA_FILE=\($0)" } ?? "")
        )
        fflush(nil)  // all C streams: print() buffers stdout when it is a pipe
        try await simulator.waitUntilStopped()
    }
}
