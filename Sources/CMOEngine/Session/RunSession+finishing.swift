import CMOClient
import CMOJournal
import Foundation

extension RunSession {
    /// Everything after the script ended: the journal's end of the run, the API counters, the summary of changes,
    /// the report file, why the run did not succeed, and how to resume it.
    func finish(_ prepared: Prepared, runner: ScriptRunner, result: RunResult, seconds: Double) async {
        let options = prepared.options
        let api = runner.apiStatistics.map {
            RunAPICounts(requests: $0.requests, retries: $0.retries, rateLimited: $0.rateLimited, tokenFetches: $0.tokenFetches)
        }
        await recordEnd(in: options.journal, result: result, report: runner.report, api: api)
        if configuration.printsStatistics, let counters = runner.apiStatistics {
            console.report(
                "api: \(counters.requests) requests, \(counters.retries) retries, \(counters.rateLimited) answered 429, "
                    + "\(counters.tokenFetches) token fetches")
        }
        if !runner.report.counts.isEmpty { console.report(runner.report.summary(dryRun: options.dryRun)) }
        if let path = configuration.reportPath {
            writeReport(to: path, runner.report, options: options, exitCode: result.exitCode, seconds: seconds)
        }
        if let text = result.errorReport {
            console.report("cmo: \(text)")
        } else if result.exitCode == .operationsFailed {
            console.report("cmo: some changes failed (exit 3)")
        }
        if let hint = resumeHint(options.journal, exitCode: result.exitCode, ephemeralAPI: prepared.ephemeralAPI) {
            console.report(hint)
        }
    }

    /// Writes the run's end (exit code, first line of the reason, counts) to its journal row, warning about
    /// writes that did not make it; `api` is what the run's client counted.
    private func recordEnd(in journal: RunJournal?, result: RunResult, report: RunReport, api: RunAPICounts?) async {
        guard let journal else { return }
        do {
            try await journal.finish(
                exitCode: result.exitCode.rawValue,
                stopReason: result.errorReport.map { String($0.prefix { $0 != "\n" }) }, report: report, api: api)
        } catch {
            console.report("cmo: warning: \(error.message)")
        }
        let failed = journal.journal.failedBackgroundWrites
        if failed > 0 {
            console.report(
                "cmo: warning: \(failed) journal writes failed; a resume reads those changes from the server first")
        }
    }

    private func writeReport(
        to path: String, _ report: RunReport, options: RunOptions, exitCode: CMOExitCode, seconds: Double
    ) {
        do {
            let data = try report.json(
                script: options.scriptPath, runID: options.journal?.run.id, dryRun: options.dryRun,
                exitCode: exitCode.rawValue, seconds: seconds)
            try PrivateFiles.write(data, to: path)  // 0600: a report lists ICCIDs and errors
        } catch {
            console.report("cmo: cannot write the report to \(path): \(error)")
        }
    }

    /// `cmo: resume with: cmo run --resume ID [--journal PATH]` for a journaled run that stopped or had failed
    /// changes; none for a run against an in-process simulator, whose state ended with it.
    func resumeHint(_ journal: RunJournal?, exitCode: CMOExitCode, ephemeralAPI: Bool) -> String? {
        guard let journal, exitCode == .stopped || exitCode == .operationsFailed, !ephemeralAPI else { return nil }
        var hint = "cmo: resume with: cmo run --resume \(journal.run.id)"
        if case .file(let path, named: true) = configuration.journal { hint += " --journal \(path)" }
        return hint
    }
}
