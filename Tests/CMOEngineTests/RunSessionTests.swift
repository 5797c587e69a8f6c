import CMOClient
import CMOJournal
import Foundation
import Logging
import Synchronization
import Testing

@testable import CMOEngine

/// `RunSession`: configuration problems end before the script starts and journal nothing; the resume hint; stops
/// before the start; resume refusals; the interactive session without an API.
@Suite struct RunSessionTests {
    /// The lines a session printed, captured.
    final class Captured: Sendable {
        private let lines = Mutex<(printed: [String], reported: [String])>(([], []))

        var printed: [String] { lines.withLock { $0.printed } }
        var reported: [String] { lines.withLock { $0.reported } }

        var console: RunSession.Console {
            RunSession.Console(
                printLine: { line in self.lines.withLock { $0.printed.append(line) } },
                report: { line in self.lines.withLock { $0.reported.append(line) } },
                exit: { code in fatalError("the session ended the process with \(code)") })
        }
    }

    /// A directory with `files`, and a journal path in it (no journal file yet).
    struct Workspace {
        let directory: String
        var journal: String { directory + "/journal.sqlite" }

        init(_ files: [String: String] = [:]) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("session-\(UUID().uuidString)").path
            // 0700, as cmo makes a state directory: a readable one would add a warning to what the session says.
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for (name, text) in files { try write(text, to: name) }
        }

        func path(_ name: String) -> String { directory + "/" + name }

        func write(_ text: String, to name: String) throws {
            try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        }

        /// The runs journaled so far (none when the journal file was never created).
        func runs() throws -> [RunEntry] {
            guard FileManager.default.fileExists(atPath: journal) else { return [] }
            return try SQLiteJournal(path: journal).runs(limit: 100)
        }
    }

    /// An API configuration nobody answers (the scripts of these tests never call it).
    static let unreachableAPI = APIConfiguration(
        apiURL: "http://127.0.0.1:9/api", tenant: "t",
        auth: .init(tokenURL: "http://127.0.0.1:9/token", clientID: "c", clientSecret: Secret("s")))

    /// Runs a session of `configuration`, with the shipped `stdlib/` (`cmo.inspect`, the CSV reader) to require.
    static func run(_ configuration: RunSession.Configuration, stopFirst: String? = nil) async -> (CMOExitCode, Captured) {
        var configuration = configuration
        configuration.modulePaths = [Stdlib.defaultPath()]
        let captured = Captured()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let session = RunSession(configuration: configuration, logger: logger, console: captured.console)
        if let stopFirst { session.stop(stopFirst) }
        return (await session.run(), captured)
    }

    enum Problem: String, CaseIterable {
        case noAPI, unknownProfile, unparsableConfig, missingInput, missingScript
    }

    @Test(arguments: Problem.allCases)
    func configurationProblemsEndBeforeTheScriptStartsAndJournalNothing(problem: Problem) async throws {
        let workspace = try Workspace([
            "main.lua": "print('the script ran')", "sims.csv": "iccid\n1\n",
            "config.toml": "[profiles.default]\napi_url = \"http://127.0.0.1:9/api\"\n", "broken.toml": "profiles = [",
        ])
        var overrides = ConfigurationOverrides(
            apiURL: "http://127.0.0.1:9/api", tenant: "t", authURL: "http://127.0.0.1:9/auth", clientID: "c",
            clientSecretFile: workspace.path("sims.csv"))
        var script = workspace.path("main.lua")
        var inputs = ["sims": workspace.path("sims.csv")]
        let expected: String
        switch problem {
        case .noAPI:
            overrides = ConfigurationOverrides()
            expected = "error: no usable CMO API configuration: missing setting 'api_url': pass --api-url, set "
                + "CMO_API_URL, or add api_url to profile 'default' in \(workspace.directory)/cmo/config.toml. Give --sim "
                + "to run against a simulator, or --no-api for a script that makes no API calls"
        case .unknownProfile:
            overrides.configFile = workspace.path("config.toml")
            overrides.profile = "nope"
            expected = "error: no usable CMO API configuration: cannot use configuration file "
                + "\(workspace.path("config.toml")): no profile 'nope' (profiles: default). Give --sim to run against a "
                + "simulator, or --no-api for a script that makes no API calls"
        case .unparsableConfig:
            overrides.configFile = workspace.path("broken.toml")
            expected = "error: no usable CMO API configuration: cannot use configuration file \(workspace.path("broken.toml")): line 1: "
        case .missingInput:
            inputs["more"] = workspace.path("more.csv")
            expected = "error: cannot read input 'more': no readable file at \(workspace.path("more.csv"))"
        case .missingScript:
            script = workspace.path("missing.lua")
            expected = "error: cannot read script '\(script)'"
        }
        let (code, captured) = await Self.run(RunSession.Configuration(
            script: .file(script, inputs: inputs),
            api: .configured(overrides, environment: ["XDG_CONFIG_HOME": workspace.directory]),
            journal: .file(workspace.journal)))
        #expect(code == .usage)
        #expect(captured.printed.isEmpty, "the script did not start")
        #expect(captured.reported.count == 1)
        #expect(captured.reported.first?.hasPrefix(expected) == true, "\(captured.reported)")
        #expect(!FileManager.default.fileExists(atPath: workspace.journal), "no journal opened, no run row")
    }

    @Test func withoutAnAPIAScriptRunsUntilItCallsTheAPI() async throws {
        let workspace = try Workspace(["fine.lua": "print('no API needed')", "calls.lua": "cmo.product('x')"])
        let (fine, printed) = await Self.run(RunSession.Configuration(script: .file(workspace.path("fine.lua")), api: .none))
        #expect(fine == .success)
        #expect(printed.printed == ["no API needed"])
        let (calls, raised) = await Self.run(RunSession.Configuration(script: .file(workspace.path("calls.lua")), api: .none))
        #expect(calls == .scriptError)
        #expect(raised.reported.first?.contains(":1: \(APISource.disabledMessage)") == true, "\(raised.reported)")
    }

    @Test func aRunAgainstAnInProcessSimulatorGetsNoResumeHint() async throws {
        let workspace = try Workspace(["slow.lua": "cmo.sleep(10)"])
        func stopped(_ api: APISource) async -> [String] {
            let configuration = RunSession.Configuration(
                script: .file(workspace.path("slow.lua")), api: api, journal: .file(workspace.journal, named: true),
                timeout: 0.1)
            let (code, captured) = await Self.run(configuration)
            #expect(code == .stopped)
            return captured.reported
        }
        let ephemeral = await stopped(.inProcessSimulator(Self.unreachableAPI))
        #expect(ephemeral == ["cmo: stopped: timed out after 0.1 s"])
        let kept = await stopped(.given(Self.unreachableAPI))
        let id = try #require(try workspace.runs().first?.id)
        #expect(kept == [
            "cmo: stopped: timed out after 0.1 s", "cmo: resume with: cmo run --resume \(id) --journal \(workspace.journal)",
        ])
        #expect(try workspace.runs().map(\.exitCode) == [4, 4], "both runs are journaled")
    }

    @Test func aStopAskedForBeforeTheScriptStartsStopsItAtOnce() async throws {
        let workspace = try Workspace(["slow.lua": "print('started') cmo.sleep(30) print('never')"])
        let (code, captured) = await Self.run(
            RunSession.Configuration(script: .file(workspace.path("slow.lua")), api: .none), stopFirst: "interrupted by SIGINT")
        #expect(code == .stopped)
        #expect(captured.reported == ["cmo: stopped: interrupted by SIGINT"])
        // The sleep was cut short by the stop, not waited out.
        #expect(!captured.printed.contains("never"))
    }

    @Test func aResumeChecksItsFilesAndJournalsNothingWhenRefused() async throws {
        let workspace = try Workspace(["main.lua": "print(#cmo.input('sims'))", "sims.csv": "iccid\n1\n2\n"])
        let first = RunSession.Configuration(
            script: .file(workspace.path("main.lua"), inputs: ["sims": workspace.path("sims.csv")]), api: .none,
            journal: .file(workspace.journal))
        #expect(await Self.run(first).0 == .success)
        let id = try #require(try workspace.runs().first?.id)

        try workspace.write("iccid\n1\n", to: "sims.csv")
        let resume = RunSession.Configuration(script: .resume(runID: id), api: .none, journal: .file(workspace.journal))
        let (refused, said) = await Self.run(resume)
        #expect(refused == .usage)
        #expect(said.reported == [
            "error: cannot resume run \(id): input 'sims' (\(workspace.path("sims.csv"))) changed since it ran; resuming "
                + "could change SIMs the run did not mean to. Give --force to resume anyway."
        ])

        try FileManager.default.removeItem(atPath: workspace.path("sims.csv"))
        var forced = resume
        forced.script = .resume(runID: id, force: true)
        let (missing, told) = await Self.run(forced)
        #expect(missing == .usage)
        #expect(told.reported == ["error: cannot read input 'sims': no readable file at \(workspace.path("sims.csv"))"])
        #expect(try workspace.runs().count == 1, "neither refusal journaled a run")

        try workspace.write("iccid\n1\n", to: "sims.csv")
        let (resumed, printed) = await Self.run(forced)
        #expect(resumed == .success)
        #expect(printed.printed == ["1"])
        let runs = try workspace.runs()
        #expect(runs.count == 2 && runs.first?.resumedFrom == id && runs.first?.rootID == id)
    }

    @Test func anInteractiveSessionWithoutAnAPISaysSoAndKeepsGoing() async throws {
        let workspace = try Workspace()
        let lines = ["x = 20 + 1", "x * 2", "cmo.product('a')", "print('after')"]
        let (code, captured) = await Self.run(RunSession.Configuration(
            script: .interactive(.lines(lines, interactive: true)),
            api: .configured(ConfigurationOverrides(), environment: ["XDG_CONFIG_HOME": workspace.directory])))
        #expect(code == .success)
        #expect(captured.printed == ["42", "after"])
        let note = "cmo repl: no CMO API is configured (missing setting 'api_url': "
        #expect(captured.reported.first?.hasPrefix(note) == true, "\(captured.reported)")
        #expect(captured.reported.dropFirst().first?.hasPrefix("stdin:1: no CMO API is configured (") == true)
    }
}
