import CMOJournal
import CMOTestSupport
import Foundation
import Testing

/// `cmo run`'s session end to end: configuration problems end with exit 2 before the script starts and journal
/// nothing; `--no-api`; no resume hint for a run against the in-process simulator.
@Suite struct RunSessionCommandTests {
    /// An environment with no API configuration: no `CMO_*` variable, and a configuration directory of its own.
    static func unconfigured(_ directory: String) -> [String: String] {
        var environment = ["XDG_CONFIG_HOME": directory]
        for name in ["API_URL", "TENANT", "AUTH_URL", "CLIENT_ID", "CLIENT_SECRET", "CLIENT_SECRET_FILE", "PROFILE"] {
            environment["CMO_" + name] = ""
        }
        return environment
    }

    /// The runs in the journal at `path` (none when the file was never created).
    static func runs(in path: String) throws -> [RunEntry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try SQLiteJournal(path: path).runs(limit: 100)
    }

    enum Problem: String, CaseIterable {
        case noAPI, unknownProfile, unparsableConfig, missingInput
    }

    @Test(arguments: Problem.allCases)
    func configurationProblemsExitTwoBeforeTheScriptStarts(problem: Problem) throws {
        let directory = try CLI.workspace("print('the script ran')")
        try FileManager.default.createDirectory(atPath: directory + "/cmo", withIntermediateDirectories: true)
        let config = directory + "/cmo/config.toml"
        let journal = directory + "/journal.sqlite"
        var arguments = ["run", "workflow.lua", "--journal", journal]
        let expected: String
        switch problem {
        case .noAPI:
            expected = "error: no usable CMO API configuration: missing setting 'api_url': pass --api-url, set "
                + "CMO_API_URL, or add api_url to profile 'default' in \(config). Give --sim to run against a simulator, "
                + "or --no-api for a script that makes no API calls\n"
        case .unknownProfile:
            try "[profiles.default]\ntenant = \"eos\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            arguments += ["--profile", "prod"]
            expected = "error: no usable CMO API configuration: cannot use configuration file \(config): no profile "
                + "'prod' (profiles: default). Give --sim to run against a simulator, or --no-api for a script that "
                + "makes no API calls\n"
        case .unparsableConfig:
            try "[profiles.default\ntenant = \"eos\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            expected = "error: no usable CMO API configuration: cannot use configuration file \(config): line 1: "
        case .missingInput:
            arguments += ["--no-api", "--input", "sims=sims.csv"]
            expected = "error: cannot read input 'sims': no readable file at sims.csv\n"
        }
        let result = try CLI.run(arguments, environment: Self.unconfigured(directory), in: directory)
        #expect(result.status == 2)
        #expect(result.stdout == "", "the script did not start")
        #expect(result.stderr.hasPrefix(expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try Self.runs(in: journal).isEmpty, "no run was journaled")
    }

    @Test func noAPIRunsAScriptThatMakesNoAPICallsAndRefusesOneThatDoes() throws {
        let directory = try CLI.workspace("print('local work')")
        let environment = Self.unconfigured(directory)
        let fine = try CLI.run(["run", "--no-journal", "--no-api", "workflow.lua"], environment: environment, in: directory)
        #expect(fine.status == 0)
        #expect(fine.stdout == "local work\n")
        #expect(fine.stderr == "")

        try "cmo.product('x')".write(toFile: directory + "/calls.lua", atomically: true, encoding: .utf8)
        let calls = try CLI.run(["run", "--no-journal", "--no-api", "calls.lua"], environment: environment, in: directory)
        #expect(calls.status == 1)
        #expect(calls.stderr.hasPrefix(
            "cmo: calls.lua:1: this run has no API (--no-api): give --sim, or drop --no-api and give the connection settings\n"))

        let both = try CLI.run(["run", "--sim", "--no-api", "workflow.lua"], in: directory)
        #expect(both.status == 2)
        #expect(both.stderr.hasPrefix("Error: give --sim or --no-api, not both\n"))
    }

    @Test func aMissingInputOfAResumeExitsTwoAndJournalsNothing() throws {
        let directory = try CLI.workspace("print(#cmo.input('sims'))")
        try "iccid\n1\n".write(toFile: directory + "/sims.csv", atomically: true, encoding: .utf8)
        let journal = directory + "/journal.sqlite"
        let first = try CLI.run(
            ["run", "--no-api", "--journal", journal, "--input", "sims=sims.csv", "workflow.lua"], in: directory)
        #expect(first.status == 0)
        let id = try #require(try Self.runs(in: journal).first?.id)
        try FileManager.default.removeItem(atPath: directory + "/sims.csv")
        let resumed = try CLI.run(["run", "--no-api", "--journal", journal, "--resume", id, "--force"], in: directory)
        #expect(resumed.status == 2)
        #expect(resumed.stderr == "error: cannot read input 'sims': no readable file at \(directory)/sims.csv\n")
        #expect(try Self.runs(in: journal).count == 1)
    }

    /// The in-process simulator's state ends with the run: resuming against it would start from a fresh fleet.
    @Test func aRunAgainstTheInProcessSimulatorSaysNothingOfResuming() throws {
        let directory = try CLI.workspace("cmo.try(cmo.activate, 'JASPER-0000')")
        let journal = directory + "/journal.sqlite"
        let failed = try CLI.run(["run", "--sim", "--sim-fleet", "5", "--journal", journal, "workflow.lua"], in: directory)
        #expect(failed.status == 3)
        #expect(failed.stderr.hasSuffix("cmo: some changes failed (exit 3)\n"))
        #expect(!failed.stderr.contains(CLI.resumeHint))

        try "print('start') cmo.sleep(30)".write(toFile: directory + "/slow.lua", atomically: true, encoding: .utf8)
        let stopped = try CLI.run(["run", "--sim", "--sim-fleet", "5", "--journal", journal, "--timeout", "0.2", "slow.lua"], in: directory)
        #expect(stopped.status == 4)
        #expect(stopped.stderr.hasSuffix("cmo: stopped: timed out after 0.2 s\n"))
        #expect(!stopped.stderr.contains(CLI.resumeHint))
        #expect(try Self.runs(in: journal).map(\.exitCode) == [4, 3], "both runs are journaled all the same")
    }
}
