import CMOJournal
import Foundation

/// What a session runs: the script, its vars and inputs, the dry-run flag, and the journal row the run writes
/// (nil without a journal). Made for a new run from the command line, or for a resume from the run it resumes.
struct RunPlan: Sendable {
    var script: String
    var vars: [String: String]
    var inputs: [String: String]
    var dryRun: Bool
    var entry: RunEntry?

    /// A new run of `script`, not journaled yet (see ``journaled(as:job:)``).
    static func fresh(_ script: String, vars: [String: String], inputs: [String: String], dryRun: Bool) -> RunPlan {
        RunPlan(script: script, vars: vars, inputs: inputs, dryRun: dryRun, entry: nil)
    }

    /// This new run, journaled as run `id` with the hashes of its script and inputs.
    func journaled(as id: String, job: String?) -> RunPlan {
        var plan = self
        plan.entry = RunEntry(
            id: id, scriptPath: Self.absolute(script), scriptHash: ContentHash.ofFile(script) ?? "", vars: vars,
            inputs: inputs.mapValues { RunEntry.InputFile(path: Self.absolute($0), hash: ContentHash.ofFile($0)) },
            dryRun: dryRun, job: job)
        return plan
    }

    /// A resume of `prior` as run `id`: the same script, vars, inputs and dry-run flag, in the same chain. Refused
    /// when the script or an input file changed since `prior` ran, unless `force`.
    static func resuming(_ prior: RunEntry, as id: String, force: Bool) throws(RunSessionError) -> RunPlan {
        // Hash each file once: the comparison and the new run's row use the same figures.
        let scriptHash = ContentHash.ofFile(prior.scriptPath)
        let inputs = prior.inputs.mapValues { RunEntry.InputFile(path: $0.path, hash: ContentHash.ofFile($0.path)) }
        var changed: [String] = []
        if scriptHash != prior.scriptHash { changed.append("the script \(prior.scriptPath)") }
        for (name, input) in prior.inputs.sorted(by: { $0.key < $1.key }) where inputs[name]?.hash != input.hash {
            changed.append("input '\(name)' (\(input.path))")
        }
        if !changed.isEmpty, !force { throw RunSessionError.changedSince(prior.id, changed: changed) }
        let entry = RunEntry(
            id: id, rootID: prior.rootID, resumedFrom: prior.id, scriptPath: prior.scriptPath,
            scriptHash: scriptHash ?? prior.scriptHash, vars: prior.vars, inputs: inputs, dryRun: prior.dryRun,
            job: prior.job)
        return RunPlan(
            script: prior.scriptPath, vars: prior.vars, inputs: prior.inputs.mapValues(\.path), dryRun: prior.dryRun,
            entry: entry)
    }

    /// Throws unless the script and every input file can be read: a run must not start (and be journaled) only
    /// to fail at its first `cmo.input`.
    func checkFiles() throws(RunSessionError) {
        guard Self.isReadableFile(script) else { throw RunSessionError.script(script) }
        for (name, path) in inputs.sorted(by: { $0.key < $1.key }) where !Self.isReadableFile(path) {
            throw RunSessionError.input(name, path: path)
        }
    }

    static func isReadableFile(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
            && FileManager.default.isReadableFile(atPath: path)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
