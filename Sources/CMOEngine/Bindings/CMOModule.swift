import CMOClient
import Foundation
import Logging
import LuaKit

/// The `cmo` module's API bindings. Each binding that talks to the API yields while Swift does the request;
/// errors are raised as error values (see ``CMOError``'s `LuaErrorConvertible` conformance). Signature lines:
///
/// - `cmo.list([{fields=, page_size=100, read_ahead=4, where=}]) -> iterator`
/// - `cmo.list_all([opts]) -> products`
/// - `cmo.product(id) -> product`
/// - `cmo.find(iccids) -> products, misses`
/// - `cmo.patch(id, ops [, {wait=false, timeout=120}]) -> result`
/// - `cmo.await_monitor(monitor_or_id [, {timeout=120, interval=}]) -> monitor`
/// - `cmo.set_status(id_or_product, status [, {wait=true, timeout=120, only_if=}]) -> outcome`
/// - `cmo.activate(id_or_product [, opts]) -> outcome`, `cmo.suspend(...)`, `cmo.terminate(...)`: `set_status`
///   with ACTIVE, SUSPENDED, or the backend's termination status (TERMINATED; PENDING_TERMINATE on TMUS)
/// - `cmo.usage(id_or_product) -> usage`: the product's consumption, flat (see ``UsageReport``)
/// - `cmo.log.info|warn|error(message [, fields])`, `cmo.now() -> seconds`, `cmo.input(name) -> rows or lines`
/// - `cmo.dry_run` (boolean), `cmo.vars` (table)
struct CMOModule {
    /// The API operations, or nil when no API is configured (then API bindings raise a configuration error).
    let operations: CMOOperations?
    /// Why there is no API, for that error.
    let missingAPI: String
    let logger: Logger
    let dryRun: Bool
    let inputs: [String: String]
    /// Where `cmo.parallel` reports progress, if anywhere.
    let progress: ProgressMeter?

    /// The run's clock: the client's (simulated in `cmo test`), else the system's.
    var clock: any CMOClock { operations?.client.configuration.clock ?? SystemClock() }

    /// The backends table in force: the client's (a backends file laid over the standard one), else the standard.
    var backends: BackendCatalogue { operations?.client.configuration.backends ?? .standard }

    static let defaultPageSize = 100
    /// Pages `cmo.list` requests ahead at most (see `ProductListing`).
    static let defaultReadAhead = 4

    func install(into state: LuaState) {
        var functions = readFunctions().merging(changeFunctions()) { first, _ in first }
        functions.merge(hostFunctions()) { first, _ in first }
        if let client = operations?.client { functions.merge(Self.admissionFunctions(client)) { first, _ in first } }
        state.register(module: "cmo", functions)

        let stack = state.stack
        stack.pushGlobal("cmo")
        stack.push(dryRun)
        stack.setField("dry_run", in: -2)
        stack.pop()
        installLog(into: state)
    }

    /// `product`, `find`, `list`, `list_all`.
    private func readFunctions() -> [String: LuaFunction] {
        [
            "product": { call in
                let id = try call.string(1)
                let operations = try requireClient()
                return try call.suspend(.async {
                    let product = try await operations.product(id: id)
                    return LuaResults { $0.push(product); return 1 }
                })
            },
            "usage": { call in
                let (id, _) = try Self.changeSubject(call, 1)
                let client = try requireClient().client
                return try call.suspend(.async {
                    let report = try await client.usage(id: id)
                    return LuaResults { $0.push(report.luaValue); return 1 }
                })
            },
            "find": { call in
                let iccids = try Self.strings(call, 1)
                let client = try requireClient().client
                return try call.suspend(.async {
                    let found = try await client.find(iccids: iccids)
                    return LuaResults { stack in
                        stack.push(JSONValue.array(found.products))
                        stack.push(LuaValue.array(found.missing.map(LuaValue.string)))
                        return 2
                    }
                })
            },
            "list": { call in
                let cursor = try makeCursor(&call)
                call.stack.pushFunction("list iterator") { call in
                    try call.suspend(.async {
                        let product = try await cursor.next()
                        return LuaResults { stack in
                            if let product { stack.push(product) } else { stack.pushNil() }
                            return 1
                        }
                    })
                }
                return .results(1)
            },
            "list_all": { call in
                let cursor = try makeCursor(&call)
                return try call.suspend(.async {
                    var collected: [JSONValue] = []
                    while let product = try await cursor.next() { collected.append(product) }
                    let products = JSONValue.array(collected)
                    return LuaResults { $0.push(products); return 1 }
                })
            },
        ]
    }

    /// `patch`, `await_monitor`, `set_status`, `activate`, `suspend`.
    private func changeFunctions() -> [String: LuaFunction] {
        var functions: [String: LuaFunction] = [
            "patch": { call in
                let id = try call.string(1)
                let ops = try Self.patchOps(call, 2)
                let options = try call.options(3, allowed: ["wait", "timeout"])
                let wait = try options.boolean("wait") ?? false
                let timeout = try Self.seconds(options, "timeout")
                let operations = try requireClient()
                let request = ChangeRequest(id: id, plan: .patch(ops), wait: wait, timeout: timeout)
                return try call.suspend(.async {
                    let result = try await operations.change(request)
                    return LuaResults { result.pushPatchResult(on: $0) }
                })
            },
            "await_monitor": { call in try awaitMonitor(&call) },
        ]
        functions["set_status"] = { call in try setStatus(&call, target: nil) }
        functions["activate"] = { call in try setStatus(&call, target: { _ in "ACTIVE" }) }
        functions["suspend"] = { call in try setStatus(&call, target: { _ in "SUSPENDED" }) }
        functions["terminate"] = { call in
            try setStatus(&call, target: { id in backends.profile(forProductID: id)?.terminationStatus ?? "TERMINATED" })
        }
        return functions
    }

    private func awaitMonitor(_ call: inout LuaCall) throws -> LuaReturn {
        let id: String
        switch call.type(1) {
        case .string: id = try call.string(1)
        case .table:
            guard call.stack.pushField("id", of: 1) == .string, let text = call.stack.string(at: -1) else {
                throw LuaArgumentError(position: 1, message: "monitor table without a string 'id'")
            }
            call.stack.pop()
            id = text
        default: throw call.typeError(1, expected: "monitor or string")
        }
        let options = try call.options(2, allowed: ["timeout", "interval"])
        let timeout = try Self.seconds(options, "timeout")
        let interval = try Self.seconds(options, "interval")
        let operations = try requireClient()
        return try call.suspend(.async {
            let monitor = try await operations.awaitMonitor(id: id, timeout: timeout, interval: interval)
            return LuaResults { $0.push(monitor.luaValue); return 1 }
        })
    }

    /// `_admit` and `_admitted_done`, which `cmo.parallel` calls around each item: a new item waits while requests
    /// queue for in-flight slots (``CMOClient/tryAdmitWork()``), so a thousand workers do not all hold a queued
    /// request's memory at once.
    private static func admissionFunctions(_ client: CMOClient) -> [String: LuaFunction] {
        [
            "_admit": { call in
                if client.tryAdmitWork() { return .none }
                return try call.suspend(.async {
                    await client.admitWork()
                    return LuaResults { _ in 0 }
                })
            },
            "_admitted_done": { _ in
                client.workEnded()
                return .none
            },
        ]
    }

    /// `now`, and the prelude's `_progress` and `_input`.
    private func hostFunctions() -> [String: LuaFunction] {
        [
            "now": { [clock] call in call.return(.number(clock.date.timeIntervalSince1970)) },
            "_progress": { call in
                guard let progress else { return .none }
                switch try call.string(1) {
                case "start": progress.start(total: try call.optionalInteger(2).map(Int.init))
                case "item": progress.item(succeeded: try call.boolean(2))
                default: progress.finish()
                }
                return .none
            },
            "_input": { call in
                let name = try call.string(1)
                guard let path = inputs[name] else {
                    let known = inputs.keys.sorted().joined(separator: ", ")
                    call.stack.pushNil()
                    call.stack.push(
                        "no input named '\(name)': give it with --input \(name)=PATH"
                            + (known.isEmpty ? "" : " (inputs given: \(known))"))
                    return .results(2)
                }
                guard let bytes = LuaSourceFile.read(path) else {
                    call.stack.pushNil()
                    call.stack.push("cannot read input '\(name)' at \(path)")
                    return .results(2)
                }
                call.stack.push(bytes: bytes)
                call.stack.push(path)
                return .results(2)
            },
        ]
    }

    /// `cmo.log.info|warn|error(message [, fields])`.
    private func installLog(into state: LuaState) {
        let stack = state.stack
        stack.pushGlobal("cmo")
        stack.pushTable()
        for (level, name) in [(Logger.Level.info, "info"), (.warning, "warn"), (.error, "error")] {
            let logger = self.logger
            state.pushFunction(name) { call in
                let message = call.stack.describe(at: 1)
                var metadata: Logger.Metadata = [:]
                if call.type(2) == .table, case .object(let fields) = try call.value(2) {
                    for (key, value) in fields { metadata[key] = .string(Self.text(value)) }
                } else if !call.isNoneOrNil(2) {
                    throw call.typeError(2, expected: "table")
                }
                logger.log(level: level, "\(message)", metadata: metadata)
                return .none
            }
            stack.setField(name, in: -2)
        }
        stack.setField("log", in: -2)
        stack.pop()
    }

    private func requireClient() throws -> CMOOperations {
        guard let operations else { throw LuaRaisedError(missingAPI) }
        return operations
    }

    private func makeCursor(_ call: inout LuaCall) throws -> ListingCursor {
        let options = try call.options(1, allowed: ["fields", "page_size", "read_ahead", "where"])
        var fields = try options.strings("fields") ?? []
        let pageSize = Int(try options.integer("page_size") ?? Int64(Self.defaultPageSize))
        guard pageSize >= 1 else {
            throw LuaArgumentError(position: 1, message: "field 'page_size': must be at least 1")
        }
        let readAhead = Int(try options.integer("read_ahead") ?? Int64(Self.defaultReadAhead))
        guard readAhead >= 1 else {
            throw LuaArgumentError(position: 1, message: "field 'read_ahead': must be at least 1")
        }
        var conditions: [String: [String]] = [:]
        if let filter = try options.value("where") {
            guard case .object(let entries) = filter else {
                throw LuaArgumentError(position: 1, message: "field 'where': table of field = value expected")
            }
            for (key, value) in entries {
                switch value {
                case .string(let text): conditions[key] = [text]
                case .array(let items) where items.allSatisfy({ $0.stringValue != nil }):
                    conditions[key] = items.compactMap(\.stringValue)
                default:
                    throw LuaArgumentError(
                        position: 1, message: "field 'where': '\(key)' must be a string or an array of strings")
                }
            }
        }
        let filter = ProductFilter(conditions)
        if !fields.isEmpty {
            for field in filter.fields + ["id"] where !fields.contains(field) { fields.append(field) }
        }
        let operations = try requireClient()
        return ListingCursor(
            listing: operations.client.list(fields: fields, pageSize: pageSize, readAhead: readAhead), filter: filter,
            onRow: operations.noteListed)
    }

    /// `set_status` (the target is argument 2) and the helpers whose target follows from the product id.
    private func setStatus(_ call: inout LuaCall, target fixed: ((String) -> String)?) throws -> LuaReturn {
        let (id, knownStatus) = try Self.changeSubject(call, 1)
        let target = try fixed?(id) ?? call.string(2)
        let optionsPosition: Int32 = fixed == nil ? 3 : 2
        let options = try call.options(optionsPosition, allowed: ["wait", "timeout", "only_if"])
        let wait = try options.boolean("wait") ?? true
        let timeout = try Self.seconds(options, "timeout")
        let onlyIf = try options.string("only_if")
        let operations = try requireClient()
        let request = ChangeRequest(
            id: id, plan: .status(target: target, onlyIf: onlyIf), wait: wait, timeout: timeout,
            knownStatus: knownStatus)
        return try call.suspend(.async {
            let result = try await operations.change(request)
            return LuaResults { result.pushStatusOutcome(on: $0) }
        })
    }
}
