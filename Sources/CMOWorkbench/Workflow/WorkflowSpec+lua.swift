import CMOEngine
import CMOSimulator
import LuaKit

extension WorkflowSpec {
    /// The keys of `workbench.run{...}`.
    static let allowedKeys: Set<String> = ["script", "fleet", "faults", "vars", "inputs", "options"]

    /// Reads `workbench.run`'s table: `{ script =, fleet = {seed=, size=}, faults = {...}, vars = {...},
    /// inputs = {...}, options = {dry_run=, max_changes=, max_failure_rate=, concurrency=, monitor_timeout=} }`.
    /// `resolve` turns the script's and the inputs' paths into paths to open.
    init(lua value: LuaValue, modulePaths: [String], resolve: (String) -> String) throws(LuaArgumentError) {
        let top = try LuaFieldReader(value, allowed: Self.allowedKeys)
        guard let script = try top.string("script") else { throw top.error("script", expected: "string") }
        self.init(script: resolve(script), modulePaths: modulePaths)
        let fleet = try top.table("fleet", allowed: ["seed", "size", "products", "cassette"])
        if let seed = try fleet.integer("seed") {
            guard seed >= 0 else { throw fleet.error("seed", expected: "non-negative integer") }
            self.seed = UInt64(seed)
        }
        if let size = try fleet.integer("size") {
            guard (1...100_000).contains(size) else { throw fleet.error("size", expected: "integer in 1...100000") }
            fleetSize = size
        }
        products = try Self.products(fleet, resolve: resolve)
        faults = try Self.faults(top.table("faults", allowed: Self.faultKeys))
        vars = try top.strings("vars")
        inputs = try top.strings("inputs").mapValues(resolve)
        let options = try top.table(
            "options", allowed: ["dry_run", "max_changes", "max_failure_rate", "concurrency", "monitor_timeout"])
        dryRun = try options.boolean("dry_run") ?? false
        guards.maxChanges = try options.integer("max_changes")
        guards.maxFailureRate = try options.share("max_failure_rate")
        if let concurrency = try options.integer("concurrency") {
            guard concurrency >= 1 else { throw options.error("concurrency", expected: "positive integer") }
            self.concurrency = concurrency
        }
        if let seconds = try options.number("monitor_timeout") {
            monitorTimeout = .milliseconds(Int64(seconds * 1000))
        }
    }

    /// `fleet.products` (each `{backend=, iccid=, status=, offering=, notes=}`), then the products `fleet.cassette`
    /// saw.
    private static func products(
        _ fleet: LuaFieldReader, resolve: (String) -> String
    ) throws(LuaArgumentError) -> [SeedProduct] {
        var seeds: [SeedProduct] = []
        switch fleet.fields["products"] ?? .nil {
        case .nil: break
        case .array(let items):
            for (index, item) in items.enumerated() {
                let product = try LuaFieldReader(
                    item, prefix: "fleet.products[\(index + 1)].", position: fleet.position,
                    allowed: ["backend", "iccid", "status", "offering", "notes"])
                guard let backend = try product.string("backend") else { throw product.error("backend", expected: "string") }
                seeds.append(
                    SeedProduct(
                        backend: backend, identifier: try product.string("iccid"), status: try product.string("status"),
                        offering: try product.string("offering"), notes: try product.string("notes")))
            }
        default: throw fleet.error("products", expected: "array")
        }
        if let cassette = try fleet.string("cassette") {
            do {
                seeds += try CassetteFleet.products(at: resolve(cassette))
            } catch {
                throw LuaArgumentError(position: fleet.position, message: "field 'fleet.cassette': \(error)")
            }
        }
        return seeds
    }

    static let faultKeys: Set<String> = [
        "error_rate", "drop_rate", "latency_ms", "rate_limit", "quota_per_hour", "in_error_rate", "async_delay",
        "token_ttl",
    ]

    private static func faults(_ table: LuaFieldReader) throws(LuaArgumentError) -> Faults {
        var faults = Faults()
        faults.errorRate = try table.share("error_rate") ?? 0
        faults.dropRate = try table.share("drop_rate") ?? 0
        faults.inErrorRate = try table.share("in_error_rate") ?? 0
        faults.latencyMilliseconds = try table.integer("latency_ms") ?? 0
        faults.rateLimit = try table.number("rate_limit")
        faults.quotaPerHour = try table.integer("quota_per_hour")
        if let delay = try table.number("async_delay") {
            guard delay >= 0 else { throw table.error("async_delay", expected: "number >= 0") }
            faults.asyncDelaySeconds = delay
        }
        if let ttl = try table.integer("token_ttl") {
            guard ttl >= 1 else { throw table.error("token_ttl", expected: "positive integer") }
            faults.tokenTTL = ttl
        }
        return faults
    }
}
