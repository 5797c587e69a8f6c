import CMOJournal
import Foundation
import Synchronization

/// Every change of one run, counted as it happens, and the guards that stop a run going wrong.
///
/// Shared by the bindings' asynchronous work, so it is `Sendable` behind a mutex.
public final class RunReport: Sendable {
    /// Limits that stop a run (exit 4) before it does too much damage.
    public struct Guards: Sendable, Equatable {
        /// Stop before the change that would exceed this many changes sent (or, in a dry run, that would be sent).
        public var maxChanges: Int?
        /// Stop when the share of failed changes passes this fraction (0...1), once `minimumForRate` have ended.
        public var maxFailureRate: Double?
        /// How many changes must have ended before the failure rate counts. Default 20.
        public var minimumForRate: Int

        public init(maxChanges: Int? = nil, maxFailureRate: Double? = nil, minimumForRate: Int = 20) {
            self.maxChanges = maxChanges
            self.maxFailureRate = maxFailureRate
            self.minimumForRate = minimumForRate
        }
    }

    /// Why a guard stopped the run.
    public struct GuardTripped: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private struct State {
        var records: [ChangeRecord] = []
        /// Where each `accepted` record waiting on a monitor is, by monitor id (settled in O(1)).
        var awaiting: [String: Int] = [:]
        var started = 0
        /// Changes that ended `changed` or `failed`, and how many of them failed (for the failure rate).
        var ended = 0
        var failed = 0
        var trip: String?
        /// Why no new request may go out (a signal): set by ``RunReport/drain(_:)``.
        var draining: String?
        var sending = 0

        mutating func count(_ outcome: ChangeRecord.Outcome) {
            guard outcome == .changed || outcome == .failed else { return }
            ended += 1
            if outcome == .failed { failed += 1 }
        }
    }

    public let guards: Guards
    private let state = Mutex(State())

    public init(guards: Guards = Guards()) {
        self.guards = guards
    }

    /// Claims the right to send one more change; throws (and remembers why) when `--max-changes` forbids it.
    public func reserveChange() throws(GuardTripped) {
        let refusal: String? = state.withLock { state in
            if let trip = state.trip { return trip }
            if let limit = guards.maxChanges, state.started >= limit {
                state.trip = "--max-changes \(limit) reached: the run stopped before change \(limit + 1)"
                return state.trip
            }
            state.started += 1
            return nil
        }
        if let refusal { throw GuardTripped(description: refusal) }
    }

    /// Trips the guard from outside the run (a distributed run's `--max-changes`, counted by the journal across
    /// workers): no change is reserved from now on. The first reason stays.
    public func trip(_ reason: String) {
        state.withLock { state in
            if state.trip == nil { state.trip = reason }
        }
    }

    /// Claims the right to send a change's request now; refused once the run drains. Pair with ``endSend()``.
    public func beginSend() throws(GuardTripped) {
        let refusal: String? = state.withLock { state in
            if let reason = state.draining { return reason }
            state.sending += 1
            return nil
        }
        if let refusal { throw GuardTripped(description: refusal) }
    }

    /// Ends what ``beginSend()`` began: the request's answer (or failure) is in.
    public func endSend() {
        state.withLock { $0.sending -= 1 }
    }

    /// Refuses every request not yet sent (``beginSend()`` throws `reason`); those in flight go on.
    public func drain(_ reason: String) {
        state.withLock { state in
            if state.draining == nil { state.draining = reason }
        }
    }

    /// How many change requests are out, awaiting their answer.
    public var sendsInFlight: Int { state.withLock { $0.sending } }

    /// Records how a change ended; returns why the run must stop when the failure rate guard trips.
    @discardableResult
    public func record(_ record: ChangeRecord) -> String? {
        state.withLock { state in
            if record.outcome == .accepted, let monitorID = record.monitorID {
                state.awaiting[monitorID] = state.records.count
            }
            state.records.append(record)
            state.count(record.outcome)
            guard state.trip == nil, let limit = guards.maxFailureRate, state.ended >= guards.minimumForRate else {
                return nil
            }
            let rate = Double(state.failed) / Double(state.ended)
            guard rate > limit else { return nil }
            state.trip = String(
                format: "--max-failure-rate %.2f exceeded: %d of %d changes failed (%.0f%%)", limit, state.failed,
                state.ended, rate * 100)
            return state.trip
        }
    }

    /// Settles a change recorded as `accepted` once its monitor has ended (`cmo.await_monitor`).
    public func settle(monitorID: String, outcome: ChangeRecord.Outcome, error: String? = nil) {
        state.withLock { state in
            guard let index = state.awaiting.removeValue(forKey: monitorID) else { return }
            state.records[index].outcome = outcome
            state.records[index].error = error
            state.count(outcome)
        }
    }

    /// The records so far, in the order they ended.
    public var records: [ChangeRecord] { state.withLock { $0.records } }

    /// Why a guard stopped the run, if one did.
    public var tripped: String? { state.withLock { $0.trip } }

    /// How many records have each outcome.
    public var counts: [ChangeRecord.Outcome: Int] {
        var counts: [ChangeRecord.Outcome: Int] = [:]
        for record in records { counts[record.outcome, default: 0] += 1 }
        return counts
    }

    /// Whether any change failed, was refused, ended with an error (a monitor timeout) or was left unresolved.
    public var hasFailures: Bool {
        records.contains { $0.outcome.isFailure || $0.outcome == .intent || $0.error != nil }
    }

    /// The end-of-run summary: counts per outcome, then the failures with reason and correlation id.
    public func summary(dryRun: Bool) -> String {
        let records = self.records
        if records.isEmpty { return "changes: none" }
        let counts = self.counts
        let parts = ChangeRecord.Outcome.allCases.compactMap { outcome in
            counts[outcome].map { "\($0) \(outcome.rawValue)" }
        }
        var lines = ["changes\(dryRun ? " (dry run)" : ""): " + parts.joined(separator: ", ")]
        let replayed = records.count(where: \.replayed)
        if replayed > 0 { lines[0] += " (\(replayed) from the journal of the resumed run)" }
        if dryRun {
            for record in records where record.outcome == .wouldChange { lines.append("  " + record.line) }
        }
        let failures = records.filter { $0.outcome.isFailure || $0.outcome == .intent || $0.error != nil }
        if !failures.isEmpty {
            lines.append("failed:")
            for record in failures { lines.append("  " + record.line) }
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON report written by `--report FILE`.
    public func json(script: String, runID: String? = nil, dryRun: Bool, exitCode: Int32, seconds: Double) throws
        -> Data
    {
        struct Document: Encodable {
            var run_id: String?
            var script: String
            var dry_run: Bool
            var exit_code: Int32
            var seconds: Double
            var counts: [String: Int]
            var stopped_by_guard: String?
            var changes: [ChangeRecord]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let counts = Dictionary(uniqueKeysWithValues: self.counts.map { ($0.key.rawValue, $0.value) })
        return try encoder.encode(
            Document(
                run_id: runID, script: script, dry_run: dryRun, exit_code: exitCode, seconds: seconds, counts: counts,
                stopped_by_guard: tripped, changes: records))
    }
}
