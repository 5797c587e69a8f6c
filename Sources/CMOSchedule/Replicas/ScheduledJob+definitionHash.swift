import Foundation

extension ScheduledJob {
    /// The job's definition as one canonical text: what replicas must agree on to share the job (its cron, time
    /// zone, script path and content, vars and options). `scriptHash` is the script file's content hash.
    public func definitionText(scriptHash: String?) -> String {
        let options = runOptions
        var parts = [
            "name=\(name)", "cron=\(cron.description)", "zone=\(timeZone.identifier)", "script=\(script.path)",
            "script_hash=\(scriptHash ?? "missing")", "overlap=\(overlap)", "catch_up=\(catchUp)",
            "catch_up_window=\(catchUpWindow.seconds)", "pause_after_failures=\(pauseAfterFailures.map(String.init) ?? "-")",
        ]
        parts += vars.sorted { $0.key < $1.key }.map { "var.\($0.key)=\($0.value)" }
        parts += options.inputs.sorted { $0.key < $1.key }.map { "input.\($0.key)=\($0.value.path)" }
        let optional: [(String, String?)] = [
            ("dry_run", options.dryRun.map { "\($0)" }), ("max_changes", options.maxChanges.map { "\($0)" }),
            ("max_failure_rate", options.maxFailureRate.map { "\($0)" }), ("concurrency", options.concurrency.map { "\($0)" }),
            ("rate_limit", options.rateLimit.map { "\($0)" }), ("timeout", options.timeout.map { "\($0)" }),
            ("tenant_rate_limit", options.tenantRateLimit.map { "\($0)" }),
            ("report", options.report?.path), ("profile", options.profile),
        ]
        parts += optional.compactMap { key, value in value.map { "\(key)=\($0)" } }
        return parts.joined(separator: "\n")
    }
}
