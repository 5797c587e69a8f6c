import CMOClient
import CMOJournal

/// The lifecycle of one change as a value: events in, actions out. ``ChangePipeline`` performs the actions (reads,
/// waits, the guard, the journal's intent and the PATCH, the monitor) and feeds back what happened; every rule of
/// a change lives here and is tested without a network.
///
/// The rules: a change the journal shows settled is handed back as recorded; one whose monitor was running polls
/// it again; one whose request may have arrived (an intent without an answer, a lost connection, a 5xx) is read
/// before anything is sent again, waiting out a `PENDING_` status, so a SIM never gets the same change twice. A
/// status change whose SIM's status is known sends at once with a `test` of that status; a stale status fails the
/// test (409), and only then is the SIM read. A dry run answers as the backend would, refusals included.
struct ChangeMachine: Sendable {
    /// What the pipeline does next.
    enum Action: Sendable, Equatable {
        /// Read the SIM (the sub-product the change targets) and report `.read`.
        case read
        /// Sleep, then report `.waited`.
        case wait(Duration)
        /// Count the change against `--max-changes`, then report `.reserved` (or `.stopped`).
        case reserve
        /// Commit the intent to the journal, send the PATCH, report `.answered` or `.sendFailed`.
        case send([JSONPatchOperation])
        /// Poll the monitor, report `.monitorEnded`, `.monitorFailed` or `.stopped`.
        case awaitMonitor(Monitor)
        /// The change ended in `state` (`reason` says why it was refused).
        case finish(ChangeState, reason: String? = nil)
        /// The change failed.
        case fail(Failure)
        /// The change ends without a record: nothing was sent (a stop or a guard came first).
        case abandon(String)
    }

    /// Why a change failed.
    enum Failure: Sendable, Equatable {
        /// What the API said.
        case api(CMOError)
        /// The SIM moved under the change.
        case conflict(String)
        /// The journal could not record the intent: the request was not sent.
        case journal(JournalError)

        static func == (lhs: Failure, rhs: Failure) -> Bool {
            switch (lhs, rhs) {
            case (.api(let a), .api(let b)): a.kind == b.kind && a.status == b.status && a.message == b.message
            case (.conflict(let a), .conflict(let b)): a == b
            case (.journal(let a), .journal(let b)): a == b
            default: false
            }
        }
    }

    /// What happened.
    enum Event: Sendable {
        case start
        /// The SIM as read: its status, and the targeted sub-product.
        case read(status: String?, document: JSONValue?)
        case readFailed(CMOError)
        case waited
        case reserved
        case answered(PatchResult)
        case sendFailed(CMOError)
        /// The intent could not be journaled; nothing was sent.
        case journalFailed(JournalError)
        case monitorEnded
        case monitorFailed(CMOError)
        /// The run is stopping (a signal, a timeout or a guard): a read, a wait or a monitor was cancelled, or a
        /// request was refused before it went out.
        case stopped(String)
    }

    /// What an earlier run of the resume chain recorded for this change.
    struct Prior: Sendable, Equatable {
        var state: ChangeState
        var monitorID: String?
    }

    /// How the machine is set up for one change.
    struct Setup: Sendable {
        var plan: ChangePlan
        var dryRun = false
        /// Whether to wait for an accepted change's monitor.
        var wait = true
        /// The status the run last saw, if any.
        var known: String?
        /// The backend's transitions, for a dry run's refusals (nil: unknown backend, nothing is predicted).
        var transitions: StatusTransitions?
        var prior: Prior?
        /// How long a `PENDING_` status is waited out before the change gives up.
        var settleLimit: Duration = .seconds(120)
        /// A distributed run's worker: a raw patch that sets `/status` reads first and tests what it read.
        var testsStatus = false
    }

    /// How many times a change is sent at most (after ambiguous failures and stale statuses).
    static let maxSends = 4

    let setup: Setup
    /// A request of ours may have been applied (an intent without an answer, an ambiguous failure).
    private(set) var sent = false
    private(set) var sends = 0
    /// Whether a request of this change went out, in this run or an earlier one of the chain.
    var requestWentOut: Bool { sent || sends > 0 }
    private var reserved = false
    private var pendingOps: [JSONPatchOperation] = []
    private var settled: Duration = .zero
    private var settleInterval: Duration = .milliseconds(250)
    /// The 409 that made the change read again, to fail with if the SIM is busy with someone else's change.
    private var conflict: CMOError?
    private var lastStatus: String?
    private var monitoring = false
    private(set) var isDone = false

    init(_ setup: Setup) {
        self.setup = setup
    }

    /// Feeds `event` in; returns what to do next.
    mutating func handle(_ event: Event) -> Action {
        let action = next(event)
        switch action {
        case .finish, .fail, .abandon: isDone = true
        case .awaitMonitor: monitoring = true
        default: monitoring = false
        }
        return action
    }

    private mutating func next(_ event: Event) -> Action {
        switch event {
        case .start: return start()
        case .read(let status, let document): return decide(status: status, document: document)
        case .readFailed(let error):
            if error.kind == .cancelled, !sent { return .abandon(error.message) }
            return .fail(.api(error))
        case .waited: return .read
        case .reserved:
            reserved = true
            if setup.dryRun { return .finish(.wouldChange) }
            return send(pendingOps)
        case .answered(.completed): return .finish(.changed)
        case .answered(.accepted(let monitor)): return setup.wait ? .awaitMonitor(monitor) : .finish(.accepted)
        case .sendFailed(let error): return sendFailed(error)
        case .journalFailed(let error): return .fail(.journal(error))
        case .monitorEnded: return .finish(.changed)
        case .monitorFailed(let error): return .fail(.api(error))
        case .stopped(let reason):
            // A monitor wait cut short leaves the change accepted: a resume finishes it. A request that may have
            // arrived leaves it an intent: a resume reads first. Before any request, there is nothing to record.
            if monitoring { return .finish(.accepted) }
            return sent ? .finish(.intent) : .abandon(reason)
        }
    }

    private mutating func start() -> Action {
        if let prior = setup.prior {
            if prior.state.isSettled { return .finish(prior.state) }
            if prior.state == .accepted, let monitorID = prior.monitorID {
                let monitor = Monitor(id: monitorID, state: .inProgress)
                return setup.wait ? .awaitMonitor(monitor) : .finish(.accepted)
            }
            if prior.state == .intent {
                sent = true
                return .read
            }
        }
        switch setup.plan {
        case .status:
            guard let known = setup.known else { return .read }
            return decide(status: known, document: nil)
        case .patch(let ops):
            if setup.dryRun || (setup.testsStatus && setup.plan.setsUntestedStatus) { return .read }
            pendingOps = ops
            return .reserve
        }
    }

    private mutating func decide(status: String?, document: JSONValue?) -> Action {
        lastStatus = status
        if status?.hasPrefix("PENDING") == true {
            if sent { return settle(status: status) }
            if let conflict { return .fail(.api(conflict)) }
        }
        switch setup.plan.decide(status: status, document: document, sent: sent, testsStatus: setup.testsStatus) {
        case .done(let state): return .finish(state)
        case .conflict(let message): return .fail(.conflict(message))
        case .send(let ops):
            if setup.dryRun, let status, let target = setup.plan.targetStatus,
                let refusal = setup.transitions?.refusal(from: status, to: target)
            {
                return .finish(.refused, reason: refusal)
            }
            guard reserved else {
                pendingOps = ops
                return .reserve
            }
            return send(ops)
        }
    }

    /// Waits out a `PENDING_` status (perhaps our own lost change, in flight), reading again with back-off.
    private mutating func settle(status: String?) -> Action {
        guard settled < setup.settleLimit else {
            return .fail(.conflict("is still \(status ?? "pending") after waiting for it to settle"))
        }
        let interval = settleInterval
        settled += interval
        settleInterval = min(settleInterval * 2, .seconds(5))
        return .wait(interval)
    }

    private mutating func send(_ ops: [JSONPatchOperation]) -> Action {
        guard sends < Self.maxSends else {
            if let conflict { return .fail(.api(conflict)) }
            return .fail(.conflict("is \(lastStatus ?? "?") after \(sends) attempts"))
        }
        sends += 1
        return .send(ops)
    }

    private mutating func sendFailed(_ error: CMOError) -> Action {
        if error.kind == .cancelled { return .fail(.api(error)) }
        if error.mayHaveChangedNothing {
            // The request may or may not have been applied: read before anything goes out again.
            sent = true
            guard sends < Self.maxSends else { return .fail(.api(error)) }
            return .wait(.milliseconds(200 * Int64(sends)))
        }
        if error.status == 409 {
            // A retried request meeting "a change is in progress" most likely met its own first attempt.
            if error.attempts > 1 { sent = true }
            if case .patch = setup.plan, !sent { return .fail(.api(error)) }
            conflict = error
            guard sends < Self.maxSends else { return .fail(.api(error)) }
            return .read
        }
        return .fail(.api(error))
    }
}
