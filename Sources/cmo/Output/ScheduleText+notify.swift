import CMOSchedule

extension ScheduleText {
    /// What `cmo schedule check` says of a file's webhooks and retention: `notify: slack https://hooks.slack.com/…
    /// on failed, paused (jobs: nightly)` (the URL without its secret), `retention: runs ended 90d ago are pruned`.
    static func notifyLines(_ file: ScheduleFile) -> [String] {
        var lines = file.notify.map { target in
            let events = NotifyEvent.allCases.filter(target.events.contains).map(\.rawValue).joined(separator: ", ")
            let jobs = target.jobs.map { " (jobs: \($0.sorted().joined(separator: ", ")))" } ?? ""
            return "notify: \(target.format) \(target.redactedURL) on \(events)\(jobs)"
        }
        if let retention = file.retention {
            let seconds = retention.components.seconds
            let text = seconds % 86_400 == 0 ? "\(seconds / 86_400)d" : seconds % 3_600 == 0 ? "\(seconds / 3_600)h" : "\(seconds)s"
            lines.append("retention: runs that ended more than \(text) ago are pruned (at start and daily)")
        }
        return lines
    }
}
