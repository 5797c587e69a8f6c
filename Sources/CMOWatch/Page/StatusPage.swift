import CMOJournal
import CMOSchedule
import Foundation

/// Builds the status pages' contexts from the journal and the daemon's job statuses, and renders them.
struct StatusPage: Sendable {
    let templates: PageTemplates
    let journal: any Journal
    let schedule: WatchedSchedule
    let configuration: WatchConfiguration

    /// `/`: the jobs, then the latest runs.
    func overview(now: Date) async throws(JournalError) -> String {
        let statuses = await schedule.statuses(now)
        let byName = Dictionary(statuses.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let jobs = schedule.jobs.map { job in jobRow(job, status: byName[job.name]) }
        let runs = try await journal.runs(limit: configuration.latestRuns)
        var rows: [[String: Any]] = []
        for run in runs {
            let counts = run.exitCode == nil ? try await journal.changeCounts(ofRun: run.id) : run.counts
            rows.append(runRow(run, counts: counts))
        }
        return templates.render(
            "status",
            common(title: "cmo schedule", now: now).merging([
                "file": schedule.file, "journal": journal.location, "jobs": jobs, "runs": rows,
                "hasRuns": !rows.isEmpty, "latest": configuration.latestRuns,
            ]) { $1 })
    }

    /// `/runs/{id}`: one run and its changes, failures first; nil when the journal has no such run.
    func run(_ id: String, now: Date) async throws(JournalError) -> String? {
        let run: RunEntry
        do {
            run = try await journal.run(id)
        } catch where error.code == .unknownRun || error.code == .ambiguousRun {
            return nil
        }
        let (changes, total) = try await journal.changesFailuresFirst(ofRun: run.id, limit: configuration.runChanges)
        let counts = run.exitCode == nil ? try await journal.changeCounts(ofRun: run.id) : run.counts
        var context = common(title: "cmo run \(run.id)", now: now)
        context["run"] = runRow(run, counts: counts).merging([
            "script": run.scriptPath, "stopReason": run.stopReason ?? "", "hasStopReason": run.stopReason != nil,
            "ended": run.endedAt.map { WatchTime.text($0) } ?? "-", "dryRun": run.dryRun,
            "resumedFrom": run.resumedFrom ?? "", "hasResumedFrom": run.resumedFrom != nil,
        ]) { $1 }
        context["changes"] = changes.map(changeRow)
        context["hasChanges"] = !changes.isEmpty
        context["total"] = total
        context["shown"] = changes.count
        context["truncated"] = total > changes.count
        return templates.render("run", context)
    }

    /// The page for a path or run that does not exist.
    func missing(_ what: String, now: Date) -> String {
        templates.render("missing", common(title: "not found", now: now).merging(["what": what]) { $1 })
    }

    private func common(title: String, now: Date) -> [String: Any] {
        ["title": title, "now": WatchTime.text(now), "refresh": configuration.refreshSeconds]
    }

    private func jobRow(_ job: ScheduledJob, status: JobStatus?) -> [String: Any] {
        var row: [String: Any] = [
            "name": job.name, "cron": "\(job.cron)", "timeZone": Self.zoneName(job.timeZone),
            "failures": status?.consecutiveFailures ?? 0, "paused": status?.paused == true ? "yes" : "no",
            "isPaused": status?.paused == true, "running": status?.running ?? 0,
            "lastExit": status?.lastExitCode.map { "\($0)" } ?? "-",
            "lastFailed": (status?.lastExitCode ?? 0) != 0,
        ]
        if status?.paused == true {
            row["nextFire"] = "paused"
        } else {
            row["nextFire"] = status?.nextFireTime.map { WatchTime.text($0, in: job.timeZone) } ?? "never"
        }
        row["lastRunID"] = status?.lastRunID ?? ""
        row["hasLastRun"] = status?.lastRunID != nil
        row["lastFinished"] = status?.lastFinishedAt.map { WatchTime.text($0, in: job.timeZone) } ?? "-"
        return row
    }

    /// The zone's IANA name; UTC for the default zone (which Foundation calls GMT).
    static func zoneName(_ zone: TimeZone) -> String {
        zone.identifier == "GMT" ? "UTC" : zone.identifier
    }

    private func runRow(_ run: RunEntry, counts: [String: Int]) -> [String: Any] {
        [
            "id": run.id, "job": run.job ?? "-", "scriptName": (run.scriptPath as NSString).lastPathComponent,
            "started": WatchTime.text(run.startedAt), "took": run.seconds.map(WatchTime.duration) ?? "-",
            "exit": run.exitCode.map { "\($0)" } ?? "-", "failed": (run.exitCode ?? 0) != 0,
            "counts": counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map {
                ["outcome": $0.key, "count": $0.value, "isFailure": $0.key == "failed" || $0.key == "refused"]
            },
        ]
    }

    private func changeRow(_ change: ChangeEntry) -> [String: Any] {
        [
            "productID": change.productID, "iccid": change.iccid ?? "-", "from": change.fromStatus ?? "-",
            "to": change.toStatus ?? "-", "state": change.state.rawValue, "isFailure": change.state.isFailure,
            "http": change.httpStatus.map { "\($0)" } ?? "-", "error": change.error ?? "",
            "correlationID": change.correlationID ?? "-", "ops": change.ops,
            "at": WatchTime.text(change.endedAt ?? change.sentAt ?? change.intentAt),
        ]
    }
}
