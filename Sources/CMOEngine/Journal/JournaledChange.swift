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

    init(journal: RunJournal?, productID: String, ops: String) {
        self.journal = journal
        key = journal?.key(productID: productID, ops: ops) ?? ""
        prior = journal?.prior(for: key)
    }

    /// Writes the change as `record` describes it, in `state`, and waits until it is durable. Throws when the
    /// journal cannot be written: an intent that is not on disk must not be followed by its request.
    mutating func write(
        _ record: ChangeRecord, _ state: ChangeEntry.State, httpStatus: Int? = nil, sent: Bool = false
    ) async throws(JournalError) {
        guard let journal else { return }
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
        if row.id == nil {
            entry = try await journal.journal.insert(row)
        } else {
            try await journal.journal.update(row)
            entry = row
        }
    }

    /// ``write(_:_:httpStatus:sent:)`` for an answer that came after the request: a failure to write it leaves the
    /// intent in place, which a resumed run resolves by reading the product, so it is not an error of the change.
    mutating func note(_ record: ChangeRecord, _ state: ChangeEntry.State, httpStatus: Int? = nil) async {
        try? await write(record, state, httpStatus: httpStatus, sent: true)
    }

    /// Records a failed request: `failed` when the server certainly changed nothing (or its monitor failed),
    /// else the intent stays open (with the error) so that a resumed run reads before it patches again.
    mutating func noteFailure(_ record: ChangeRecord, _ error: CMOError) async {
        await note(record, error.leavesOutcomeOpen ? .intent : .failed, httpStatus: error.status)
    }
}

extension CMOError {
    /// Whether the server may or may not have applied the change: a resumed run must read before it patches.
    var leavesOutcomeOpen: Bool { mayHaveChangedNothing || kind == .cancelled }
}

extension ChangeRecord.Outcome {
    /// The report's outcome for a settled journal state.
    init?(_ state: ChangeEntry.State) {
        self.init(rawValue: state.rawValue)
    }
}

extension JournalError: LuaErrorConvertible {
    public var luaErrorKind: String { "journal" }
    public var luaErrorMessage: String { message }
}
