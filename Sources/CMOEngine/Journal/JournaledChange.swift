import CMOClient
import CMOJournal
import Foundation
import LuaKit

/// The journal's side of one change: its key, what earlier runs of the chain recorded under it, and its own row
/// in this run, written before the request (intent) and after each answer. Does nothing without a journal.
struct JournaledChange {
    let journal: RunJournal?
    let key: String
    /// What an earlier run of the chain recorded, when this run resumes one.
    let prior: ChangeEntry?
    private var entry: ChangeEntry?
    /// `intent` or `accepted` while the change's outcome is open (a request went out, in this run or an earlier
    /// one of the chain, and no final answer is recorded); nil otherwise.
    var open: ChangeEntry.State? {
        let state = entry?.state ?? prior?.state
        return state == .intent || state == .accepted ? state : nil
    }

    init(journal: RunJournal?, productID: String, ops: String) {
        self.journal = journal
        key = journal?.key(productID: productID, ops: ops) ?? ""
        prior = journal?.prior(for: key)
    }

    /// Writes the change as `record` describes it, in `state`, and waits until it is durable: the intent before a
    /// request, and rows that later answers will update. Throws when the journal cannot be written: an intent that
    /// is not on disk must not be followed by its request.
    ///
    /// The write runs in a task of its own (see `ChildTask`): the journal's frames are large and would otherwise
    /// stay with the change's task while it waits for its monitor.
    mutating func write(
        _ record: ChangeRecord, _ state: ChangeEntry.State, httpStatus: Int? = nil, sent: Bool = false
    ) async throws(JournalError) {
        guard let journal else { return }
        let row = self.row(record, state, httpStatus: httpStatus, sent: sent, in: journal)
        let written = await Task { () async -> Result<ChangeEntry, JournalError> in
            do throws(JournalError) {
                if row.id == nil { return .success(try await journal.insertIntent(row)) }
                try await journal.journal.update(row)
                return .success(row)
            } catch {
                return .failure(error)
            }
        }.value
        entry = try written.get()
    }

    /// Records the change as `record` describes it, in `state`, without waiting: an answer, a monitor's end, or a
    /// change that ends without a request. A write lost to a crash leaves the intent, which a resumed run
    /// resolves by reading first; one that fails is counted (``Journal/failedBackgroundWrites``).
    mutating func note(
        _ record: ChangeRecord, _ state: ChangeEntry.State, httpStatus: Int? = nil, sent: Bool = true
    ) {
        guard let journal else { return }
        let row = self.row(record, state, httpStatus: httpStatus, sent: sent, in: journal)
        if row.id == nil {
            // Only rows no later answer updates are inserted this way (they would need the row id).
            journal.journal.insertInBackground(row)
        } else {
            journal.journal.updateInBackground(row)
        }
        entry = row
    }

    /// Records a failure. While the outcome is open (a request went out and may have been applied, or a
    /// monitor was still running) and the error does not settle it, the change stays `intent` or `accepted`
    /// (with the error), so a resumed run reads (or polls) before it patches again; otherwise it is `failed`.
    /// Returns the state written (also without a journal), which the report records too, so the two agree.
    @discardableResult
    mutating func noteFailure(_ record: ChangeRecord, _ error: CMOError, sent: Bool) -> ChangeEntry.State {
        let unsettled = error.kind != .monitorFailed && (error.leavesOutcomeOpen || error.kind == .monitorTimeout)
        let state = unsettled ? openState(after: record, sent: sent) ?? .failed : .failed
        note(record, state, httpStatus: error.status, sent: state.isOpen)
        return state
    }

    /// The open state of the change: from its rows when journaled, else from what was sent.
    private func openState(after record: ChangeRecord, sent: Bool) -> ChangeEntry.State? {
        if journal != nil { return open }
        guard sent else { return nil }
        return record.monitorID != nil ? .accepted : .intent
    }

    private func row(
        _ record: ChangeRecord, _ state: ChangeEntry.State, httpStatus: Int?, sent: Bool, in journal: RunJournal
    ) -> ChangeEntry {
        var row =
            entry
            ?? ChangeEntry(
                runID: journal.run.id, rootID: journal.run.rootID, key: key, productID: record.productID,
                ops: record.ops)
        row.iccid = record.iccid
        row.fromStatus = record.from
        row.toStatus = record.to
        row.async = record.async
        row.state = state
        row.monitorID = record.monitorID
        row.error = record.error
        row.correlationID = record.correlationID
        if let httpStatus { row.httpStatus = httpStatus }
        if sent, row.sentAt == nil { row.sentAt = Date() }
        if state != .intent && state != .accepted { row.endedAt = Date() }
        return row
    }
}

extension CMOError {
    /// Whether the server may or may not have applied the change: a resumed run must read before it patches.
    var leavesOutcomeOpen: Bool { mayHaveChangedNothing || kind == .cancelled }
}

extension JournalError: LuaErrorConvertible {
    public var luaErrorKind: String { "journal" }
    public var luaErrorMessage: String { message }
}
