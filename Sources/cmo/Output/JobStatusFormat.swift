import CMOClient
import CMOSchedule
import Foundation

/// How `cmo schedule status` prints jobs: a table on the jobs' wall clocks, or JSON.
enum JobStatusFormat {
    /// Every job as a JSON object.
    static func json(_ statuses: [JobStatus]) -> String {
        func time(_ date: Date?) -> JSONValue { date.map { .string($0.formatted(.iso8601)) } ?? .null }
        let items = statuses.map { status -> JSONValue in
            .object(JSONObject([
                ("job", .string(status.name)), ("last_fire", time(status.lastFireTime)),
                ("last_run_id", status.lastRunID.map(JSONValue.string) ?? .null),
                ("last_exit_code", status.lastExitCode.map { .int(Int64($0)) } ?? .null),
                ("last_finished", time(status.lastFinishedAt)), ("next_fire", time(status.nextFireTime)),
                ("paused", .bool(status.paused)), ("consecutive_failures", .int(Int64(status.consecutiveFailures))),
            ]))
        }
        return JSONValue.array(items).serialized(pretty: true)
    }

    /// A table with times in each job's zone (`zones` by job name); a paused job says how to resume it.
    static func table(_ statuses: [JobStatus], zones: [String: TimeZone], file: String) -> String {
        let rows = statuses.map { status in
            let zone = zones[status.name] ?? .gmt
            return [
                status.name, status.lastFireTime.map { ScheduleText.time($0, in: zone) } ?? "never",
                status.lastRunID ?? "-", status.lastExitCode.map(String.init) ?? "-",
                status.paused ? "paused" : status.nextFireTime.map { ScheduleText.time($0, in: zone) } ?? "never",
                state(status, file: file),
            ]
        }
        return TableRenderer.table(header: ["job", "last run", "run id", "exit", "next run", "state"], rows: rows)
    }

    private static func state(_ status: JobStatus, file: String) -> String {
        if status.paused {
            return "paused after \(status.consecutiveFailures) failures: cmo schedule resume \(file) \(status.name)"
        }
        return status.consecutiveFailures > 0 ? "\(status.consecutiveFailures) failed in a row" : "ok"
    }
}
