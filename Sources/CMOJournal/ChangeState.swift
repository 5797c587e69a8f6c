import Foundation

/// Where one change stands: the one vocabulary of the journal's rows, the run report, the terminal summary,
/// `cmo runs` and the results scripts see.
public enum ChangeState: String, Codable, Sendable, CaseIterable {
    /// Committed before the PATCH was sent; no answer recorded. The request may or may not have arrived.
    case intent
    /// An async backend accepted it (202) and its monitor has not ended (or nobody waited for it).
    case accepted
    /// The server applied it (a sync 200, or an async monitor that completed).
    case changed
    /// The SIM already had the target: nothing was sent.
    case unchanged
    /// `only_if` did not hold: nothing was sent.
    case skipped
    /// The request or its monitor failed.
    case failed
    /// A dry run: it would have been sent.
    case wouldChange = "would_change"
    /// A dry run: the backend would refuse it (a transition its state machine does not allow).
    case refused

    /// Whether the change reached an end that a resumed run can hand back without asking the server.
    public var isSettled: Bool {
        switch self {
        case .changed, .unchanged, .skipped, .wouldChange, .refused: true
        case .intent, .accepted, .failed: false
        }
    }

    /// Whether a request went out and its outcome is still open (a resumed run reads or polls before it acts).
    public var isOpen: Bool { self == .intent || self == .accepted }

    /// Whether the change counts as a failure of the run (exit 3): failed, or refused in a dry run.
    public var isFailure: Bool { self == .failed || self == .refused }

    /// The word for it in summaries: `would change`, `changed`, ... (`unresolved` for an intent: sent, and
    /// nobody knows yet whether it arrived).
    public var label: String { self == .intent ? "unresolved" : rawValue.replacingOccurrences(of: "_", with: " ") }
}
