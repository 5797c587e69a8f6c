import Foundation
import Testing
@testable import CMOSchedule

@Suite("Schedule file")
struct ScheduleFileTests {
    private let base = URL(fileURLWithPath: "/srv/cmo")

    private func parse(_ text: String) throws -> ScheduleFile {
        try ScheduleFile(text: text, path: "jobs.toml", baseDirectory: base)
    }

    /// The rendered error lines for `text`, or a recorded issue when it parses.
    private func errors(_ text: String) -> [String] {
        do {
            _ = try ScheduleFile(text: text, path: "jobs.toml", baseDirectory: base)
            Issue.record("expected the file to be rejected")
            return []
        } catch {
            return error.lines
        }
    }

    @Test func fullValidFile() throws {
        let file = try parse("""
            # Nightly and frequent jobs.
            [[job]]
            name = "nightly"
            cron = "30 2 * * *"
            timezone = "Europe/Berlin"
            script = "workflows/nightly.lua"
            overlap = "queue"
            catch_up = "last"
            catch_up_window = "6h"
            pause_after_failures = 3
            dry_run = true
            max_changes = 0
            max_failure_rate = 0.25
            concurrency = 8
            rate_limit = 20
            tenant_rate_limit = 50
            timeout = 1800.5
            report = "reports/nightly.json"
            profile = "prod"
            inputs = { sims = "data/sims.csv" }

            [job.vars]
            region = "eu"
            limit = 500
            ratio = 1.5
            strict = false

            [[job]]
            name = "poll"
            cron = "*/15 * * * *"
            script = "/opt/flows/poll.lua"
            overlap = "allow"
            catch_up_window = 90
            """)
        #expect(file.path == "jobs.toml")
        #expect(file.jobs.count == 2)
        let nightly = file.jobs[0]
        #expect(nightly.name == "nightly")
        #expect(nightly.cron.description == "30 2 * * *")
        #expect(nightly.timeZone.identifier == "Europe/Berlin")
        #expect(nightly.script.path == "/srv/cmo/workflows/nightly.lua")
        #expect(nightly.vars == ["region": "eu", "limit": "500", "ratio": "1.5", "strict": "false"])
        #expect(nightly.overlap == .queue)
        #expect(nightly.catchUp == .last)
        #expect(nightly.catchUpWindow == .seconds(6 * 3_600))
        #expect(nightly.pauseAfterFailures == 3)
        #expect(nightly.line == 2)
        #expect(nightly.runOptions == JobRunOptions(
            dryRun: true,
            maxChanges: 0,
            maxFailureRate: 0.25,
            concurrency: 8,
            rateLimit: 20,
            tenantRateLimit: 50,
            timeout: 1800.5,
            inputs: ["sims": URL(fileURLWithPath: "/srv/cmo/data/sims.csv")],
            report: URL(fileURLWithPath: "/srv/cmo/reports/nightly.json"),
            profile: "prod"
        ))

        let poll = file.jobs[1]
        #expect(poll.timeZone.secondsFromGMT() == 0)
        #expect(poll.script.path == "/opt/flows/poll.lua")
        #expect(poll.overlap == .allow)
        #expect(poll.catchUp == .never)
        #expect(poll.catchUpWindow == .seconds(90))
        #expect(poll.pauseAfterFailures == nil)
        #expect(poll.runOptions == JobRunOptions())
        #expect(poll.line == 28)
    }

    @Test func defaults() throws {
        let job = try parse("""
            [[job]]
            name = "a"
            cron = "@daily"
            script = "../flows/./a.lua"
            """).jobs[0]
        #expect(job.script.path == "/srv/flows/a.lua")
        #expect(job.overlap == .skip)
        #expect(job.catchUp == .never)
        #expect(job.catchUpWindow == .seconds(3_600))
        #expect(job.vars.isEmpty)
    }

    @Test(arguments: [
        ("\"90s\"", 90), ("\"30m\"", 1_800), ("\"6h\"", 21_600), ("\"2d\"", 172_800), ("\"1h30m\"", 5_400), ("45", 45),
    ])
    func catchUpWindowForms(text: String, seconds: Int) throws {
        let job = try parse("""
            [[job]]
            name = "a"
            cron = "@daily"
            script = "a.lua"
            catch_up = "last"
            catch_up_window = \(text)
            """).jobs[0]
        #expect(job.catchUpWindow == .seconds(seconds))
    }

    @Test func cronErrorNamesJobAndLine() {
        #expect(errors("""
            [[job]]
            name = "nightly"
            script = "n.lua"

            # every night

            cron = "61 2 * * *"
            """) == ["jobs.toml:7: job 'nightly': cron: minute: 61 is out of range 0-59"])
    }

    @Test func everyValidationErrorWithItsLine() {
        let text = """
            [[job]]
            name = "all-wrong"
            cronn = "* * * * *"
            timezone = "Europe/Berln"
            script = 42
            overlap = "sometimes"
            catch_up = "all"
            catch_up_window = "5x"
            pause_after_failures = 0
            dry_run = "yes"
            max_changes = -1
            max_failure_rate = 1.5
            concurrency = "four"
            rate_limit = 0
            timeout = -5
            report = 1
            profile = true
            vars = { list = [1, 2] }
            inputs = { sims = 3 }
            """
        #expect(errors(text) == [
            "jobs.toml:1: job 'all-wrong': missing required key 'cron'",
            "jobs.toml:3: job 'all-wrong': unknown key 'cronn'",
            "jobs.toml:4: job 'all-wrong': timezone: unknown time zone 'Europe/Berln'",
            "jobs.toml:5: job 'all-wrong': 'script' must be a string, got integer",
            "jobs.toml:6: job 'all-wrong': overlap: must be one of skip, queue, allow, got 'sometimes'",
            "jobs.toml:7: job 'all-wrong': catch_up: must be one of none, last, got 'all'",
            "jobs.toml:8: job 'all-wrong': catch_up_window: invalid duration '5x' (use e.g. \"90s\", \"30m\", \"6h\", \"2d\" or integer seconds)",
            "jobs.toml:9: job 'all-wrong': pause_after_failures: must be at least 1, got 0",
            "jobs.toml:10: job 'all-wrong': 'dry_run' must be a boolean, got string",
            "jobs.toml:11: job 'all-wrong': max_changes: must be at least 0, got -1",
            "jobs.toml:12: job 'all-wrong': max_failure_rate: must be between 0 and 1, got 1.5",
            "jobs.toml:13: job 'all-wrong': 'concurrency' must be an integer, got string",
            "jobs.toml:14: job 'all-wrong': rate_limit: must be greater than 0, got 0",
            "jobs.toml:15: job 'all-wrong': timeout: must be greater than 0, got -5",
            "jobs.toml:16: job 'all-wrong': 'report' must be a string, got integer",
            "jobs.toml:17: job 'all-wrong': 'profile' must be a string, got boolean",
            "jobs.toml:18: job 'all-wrong': 'vars.list' must be a string, number or boolean, got array",
            "jobs.toml:19: job 'all-wrong': 'inputs.sims' must be a string, got integer",
        ])
    }

    @Test func errorsInSubTablesPointAtTheirKey() {
        #expect(errors("""
            [[job]]
            name = "a"
            cron = "@daily"
            script = "a.lua"

            [job.vars]
            ok = "yes"
            bad = { nested = 1 }

            [job.inputs]
            sims = false
            """) == [
                "jobs.toml:8: job 'a': 'vars.bad' must be a string, number or boolean, got table",
                "jobs.toml:11: job 'a': 'inputs.sims' must be a string, got boolean",
            ])
    }

    @Test func collectsErrorsAcrossJobsSortedByLine() {
        #expect(errors("""
            [[job]]
            name = "first"
            cron = "* * *"
            script = "a.lua"

            [[job]]
            cron = "@daily"
            script = ""

            [[job]]
            name = "first"
            cron = "0 0 * * FUNDAY"
            script = "c.lua"
            catch_up_window = 0
            """) == [
                "jobs.toml:3: job 'first': cron: expected 5 fields, got 3",
                "jobs.toml:6: job #2: missing required key 'name'",
                "jobs.toml:8: job #2: script: must not be empty",
                "jobs.toml:11: job 'first': duplicate job name 'first' (first defined on line 2)",
                "jobs.toml:12: job 'first': cron: day of week: unknown name 'FUNDAY'",
                "jobs.toml:14: job 'first': catch_up_window: must be greater than 0",
            ])
    }

    @Test func wrongTypesForNameAndTables() {
        #expect(errors("""
            [[job]]
            name = 7
            cron = "@daily"
            script = "a.lua"
            vars = "region=eu"
            inputs = ["a"]
            catch_up_window = true
            """) == [
                "jobs.toml:2: job #1: 'name' must be a string, got integer",
                "jobs.toml:5: job #1: 'vars' must be a table, got string",
                "jobs.toml:6: job #1: 'inputs' must be a table, got array",
                "jobs.toml:7: job #1: 'catch_up_window' must be a duration string or integer seconds, got boolean",
            ])
    }

    @Test func emptyFileHasNoJobs() {
        #expect(errors("# nothing here\n") == ["jobs.toml: no jobs defined (add a [[job]] table)"])
    }

    @Test func unknownTopLevelKeys() {
        #expect(errors("""
            version = 1

            [[jobs]]
            name = "a"
            """) == [
                "jobs.toml:1: unknown top-level key 'version'",
                "jobs.toml:3: unknown top-level key 'jobs'",
            ])
        #expect(errors("""
            [job]
            name = "a"
            """) == ["jobs.toml:1: 'job' must be an array of tables ([[job]]), got table"])
    }

    @Test func tomlSyntaxErrorUsesTheParsersPosition() {
        let lines = errors("""
            [[job]]
            name = "a"
            cron = "@daily
            """)
        #expect(lines == ["jobs.toml:3:15: Error while parsing string: encountered end-of-file"])
    }

    @Test func fromDiskResolvesAgainstTheFilesDirectoryAndChecksFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-schedule-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("flows"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("-- ok".utf8).write(to: directory.appendingPathComponent("flows/ok.lua"))
        let fileURL = directory.appendingPathComponent("jobs.toml")
        try Data("""
            [[job]]
            name = "ok"
            cron = "@hourly"
            script = "flows/ok.lua"

            [[job]]
            name = "missing"
            cron = "@hourly"
            script = "flows/missing.lua"
            inputs = { sims = "sims.csv" }
            """.utf8).write(to: fileURL)

        do {
            _ = try ScheduleFile(contentsOf: fileURL, displayPath: "jobs.toml")
            Issue.record("expected missing files to be reported")
        } catch {
            let root = directory.standardizedFileURL.path
            #expect(error.lines == [
                "jobs.toml:9: job 'missing': script: no such file '\(root)/flows/missing.lua'",
                "jobs.toml:10: job 'missing': inputs.sims: no such file '\(root)/sims.csv'",
            ])
        }

        let lenient = try ScheduleFile(contentsOf: fileURL, displayPath: "jobs.toml", requireExistingFiles: false)
        #expect(lenient.jobs.map(\.script.lastPathComponent) == ["ok.lua", "missing.lua"])
        #expect(lenient.jobs[0].script.path == directory.appendingPathComponent("flows/ok.lua").standardizedFileURL.path)
    }

    @Test func unreadableFile() {
        do {
            _ = try ScheduleFile(contentsOf: URL(fileURLWithPath: "/nonexistent/jobs.toml"))
            Issue.record("expected an error")
        } catch {
            #expect(error.lines.count == 1)
            #expect(error.lines.first?.hasPrefix("/nonexistent/jobs.toml: cannot read file: ") == true)
        }
    }
}
