import CMOTestSupport
import Foundation
import Testing

/// `cmo schedule check` with `[[notify]]` and `retention`: what it prints (no secret), and exit 2 with lines.
@Suite struct ScheduleNotifyCheckCommandTests {
    static let job = """
        [[job]]
        name = "nightly"
        cron = "30 2 * * *"
        script = "workflow.lua"
        """

    @Test func checkNamesEachWebhookWithoutItsSecretAndTheRetention() throws {
        let directory = try CLI.workspace("print('x')")
        try """
            retention = "90d"

            [[notify]]
            url = "https://hooks.slack.com/services/T0/B0/SECRET"
            format = "slack"
            on = ["paused", "failed"]
            jobs = ["nightly"]

            \(Self.job)
            """.write(toFile: directory + "/jobs.toml", atomically: true, encoding: .utf8)
        let result = try CLI.run(["schedule", "check", "jobs.toml"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.suffix(3) == [
            "notify: slack https://hooks.slack.com/… on failed, paused (jobs: nightly)",
            "retention: runs that ended more than 90d ago are pruned (at start and daily)",
            "jobs.toml: 1 job, ok",
        ])
        #expect(!result.stdout.contains("SECRET"))
    }

    @Test func aBadNotifyTableExitsTwoWithItsLine() throws {
        let directory = try CLI.workspace("print('x')")
        try """
            [[notify]]
            url = "https://example.com/hook"
            on = "failed"

            \(Self.job)
            """.write(toFile: directory + "/jobs.toml", atomically: true, encoding: .utf8)
        let result = try CLI.run(["schedule", "check", "jobs.toml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr == "jobs.toml:3: notify #1: 'on' must be an array of strings, got string\n")
    }
}
