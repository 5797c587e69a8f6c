import Foundation
import Testing
@testable import CMOSchedule

/// `[[notify]]` tables and `retention` in a schedule file: parsed, and every problem reported with its line.
@Suite struct ScheduleFileNotifyTests {
    private let base = URL(fileURLWithPath: "/srv/cmo")
    private let job = """
        [[job]]
        name = "nightly"
        cron = "30 2 * * *"
        script = "job.lua"
        """

    private func errors(_ text: String) -> [String] {
        do {
            _ = try ScheduleFile(text: text, path: "jobs.toml", baseDirectory: base)
            Issue.record("expected the file to be rejected")
            return []
        } catch {
            return error.lines
        }
    }

    @Test func notifyTablesAndRetentionParse() throws {
        let file = try ScheduleFile(text: """
            retention = "90d"

            [[notify]]
            url = "https://hooks.slack.com/services/T0/B0/SECRET"
            format = "slack"
            on = ["failed", "paused"]
            jobs = ["nightly"]

            [[notify]]
            url = "http://127.0.0.1:9000/hook"

            \(job)
            """, path: "jobs.toml", baseDirectory: base)
        #expect(file.retention == .seconds(90 * 86_400))
        #expect(file.notify.count == 2)
        #expect(file.notify[0].format == .slack && file.notify[0].events == [.failed, .paused])
        #expect(file.notify[0].jobs == ["nightly"] && file.notify[0].line == 3)
        #expect(file.notify[1].format == .json && file.notify[1].events == Set(NotifyEvent.allCases))
        #expect(file.notify[1].jobs == nil)
        #expect(file.jobs.map(\.name) == ["nightly"])
    }

    @Test func badNotifyTablesAreReportedWithTheirLines() {
        let lines = errors("""
            retention = "soon"

            [[notify]]
            url = "ftp://example.com/SECRET"
            format = "email"
            on = ["failed", "exploded"]
            jobs = ["nightly", "weekly"]
            colour = "red"

            [[notify]]
            format = "teams"

            \(job)
            """)
        #expect(lines == [
            #"jobs.toml:1: retention: invalid duration 'soon' (use e.g. "90d", "12h"; at least 1h)"#,
            "jobs.toml:4: notify #1: url: must be an http or https URL with a host, got ftp://example.com/…",
            "jobs.toml:5: notify #1: format: must be one of json, slack, teams, got 'email'",
            "jobs.toml:6: notify #1: on: unknown event 'exploded' (use failed, guard, paused, recovered)",
            "jobs.toml:7: notify #1: jobs: no job named 'weekly' in this file",
            "jobs.toml:8: notify #1: unknown key 'colour'",
            "jobs.toml:10: notify #2: missing required key 'url'",
        ])
        #expect(!lines.joined().contains("SECRET"), "a bad URL's secret is not echoed")
    }

    @Test func aRetentionUnderAnHourOrOfTheWrongTypeIsRejected() {
        #expect(errors("retention = \"30m\"\n\(job)") == [
            #"jobs.toml:1: retention: invalid duration '30m' (use e.g. "90d", "12h"; at least 1h)"#,
        ])
        #expect(errors("retention = 30\n\(job)") == ["jobs.toml:1: 'retention' must be a duration string, got integer"])
    }
}
