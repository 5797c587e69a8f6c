import Foundation
import Logging
import LuaKit
import Synchronization

/// Runs one test file in a Lua state of its own: the sandbox (the stdlib and the file's directory on the module
/// path), `json`, the `workbench` module, and the stdlib's `cmo/test_main.lua` as the main chunk, which declares the
/// file's tests and runs them (`cmo/test.lua`).
///
/// - `workbench.run{ script =, fleet = {seed=, size=}, faults = {...}, vars = {...}, inputs = {...},
///   options = {...} } -> result`: runs a workflow against a fresh in-process simulator in simulated time
///   (``WorkflowRunner``); see ``WorkflowSpec`` and ``WorkflowOutcome``.
public struct TestFileRunner: Sendable {
    /// The shipped `stdlib/` directory.
    public var stdlibPath: String
    /// Only tests whose full name contains this text; nil for all.
    public var filter: String?
    public var logger: Logger

    public init(stdlibPath: String, filter: String? = nil, logger: Logger) {
        self.stdlibPath = stdlibPath
        self.filter = filter
        self.logger = logger
    }

    /// Runs the file at `path` to its end.
    public func run(_ path: String) async -> TestFileResult {
        let started = ContinuousClock.now
        var result = TestFileResult(path: path)
        let output = Mutex<[String]>([])
        let report = ReportSlot()
        let state = LuaState()
        state.output = { line in output.withLock { $0.append(line) } }
        let directory = Self.directory(of: path)
        state.openSandbox(LuaSandbox(modulePaths: [stdlibPath, directory]))
        state.openJSON()
        let scheduler = LuaScheduler(state: state)
        state.register(module: "workbench", functions(directory: directory, report: report, started: started))
        let driverPath = stdlibPath + "/cmo/test_main.lua"
        guard let driver = LuaSourceFile.read(driverPath) else {
            result.error = "cannot read \(driverPath): is the stdlib where CMO_STDLIB or the install says?"
            return result
        }
        guard let source = LuaSourceFile.read(path) else {
            result.error = "cannot read \(path)"
            return result
        }
        do {
            try state.load(driver, chunkName: driverPath)
            try state.load(source, chunkName: path)
        } catch {
            result.error = error.message
            result.errorLocation = Self.location(in: error.message)
            return result
        }
        if let filter { state.stack.push(filter) } else { state.stack.pushNil() }
        _ = scheduler.start(main: 2)
        let outcome = await scheduler.run()
        if case .failed(let error) = outcome {
            result.error = error.message
            result.errorLocation = Self.location(in: error.message)
        } else if case .stopped(let reason, _) = outcome {
            result.error = "stopped: \(reason)"
        }
        if let value = report.value.withLock({ $0 }) { result.read(report: value) }
        result.output = output.withLock { $0 }
        result.seconds = (ContinuousClock.now - started).secondsValue
        return result
    }

    private func functions(
        directory: String, report: ReportSlot, started: ContinuousClock.Instant
    ) -> [String: LuaFunction] {
        let stdlib = stdlibPath
        let logger = logger
        return [
            "run": { call in
                let spec = try WorkflowSpec(
                    lua: try call.value(1), modulePaths: [stdlib],
                    resolve: { Self.resolve($0, relativeTo: directory) })
                return try call.suspend(.async {
                    let outcome = try await WorkflowRunner.run(spec, logger: logger)
                    let value = outcome.luaValue
                    return LuaResults([value])
                })
            },
            "_report": { call in
                let value = try call.value(1)
                report.value.withLock { $0 = value }
                return .none
            },
            "_clock": { call in call.return(.number((ContinuousClock.now - started).secondsValue)) },
        ]
    }

    /// A path as given when it exists from the working directory, else from the test file's directory.
    static func resolve(_ path: String, relativeTo directory: String) -> String {
        if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
        let beside = directory + "/" + path
        return FileManager.default.fileExists(atPath: beside) ? beside : path
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `file:line` at the start of a Lua error message.
    static func location(in message: String) -> String? {
        let head = message.prefix { $0 != "\n" }
        let parts = head.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, Int(parts[1]) != nil else { return nil }
        return "\(parts[0]):\(parts[1])"
    }
}

/// Where `workbench._report` leaves the file's outcome.
final class ReportSlot: Sendable {
    let value = Mutex<LuaValue?>(nil)
}
