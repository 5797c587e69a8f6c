import CMOClient
import CMOJournal
import Foundation
import LuaKit

/// Runs one change through its lifecycle: asks ``ChangeMachine`` what to do, does it (reads, waits, the guard,
/// the journal's intent, the PATCH, the monitor), feeds the answer back, and at the end records the change in the
/// report, the journal and the known statuses. `cmo.set_status` and `cmo.patch` are two plans it runs.
///
/// A class, used by the one task that runs the change, and each action a separate non-inlined call: an async
/// function's frame holds everything inlined into it for the whole wait, so a struct pipeline with its actions
/// inlined cost 41 KB per change waiting on a monitor (1,000 items in progress: 40 MB).
final class ChangePipeline {
    let context: ChangeContext
    let request: ChangeRequest
    var machine: ChangeMachine
    var record: ChangeRecord
    var journaled: JournaledChange
    var monitor: Monitor?
    var product: JSONValue?
    /// The PATCH's answer status, journaled with the change's end.
    var httpStatus: Int?
    /// How the change ended, once it has (see ``run()``).
    private var ending: Result<ChangeResult, any Error>?
    let started = ContinuousClock.now

    init(_ request: ChangeRequest, in context: ChangeContext) {
        self.context = context
        self.request = request
        let bundle = request.bundleID
        let backends = context.client.configuration.backends
        let profile = backends.profile(forProductID: bundle)
        let ops = ChangePlan.describe(request.plan.keyOps)
        // The journal keys a raw patch by the id as given (a sub-product may be named), a status change by bundle.
        let keyID: String = if case .patch = request.plan { request.id } else { bundle }
        journaled = JournaledChange(journal: context.journal, productID: keyID, ops: ops)
        record = ChangeRecord(
            productID: bundle, to: request.plan.targetStatus, ops: ops, async: profile?.isAsynchronous ?? false,
            outcome: .failed, startedAt: Date(), seconds: 0)
        let prior = journaled.prior
        if let prior {
            record.iccid = prior.iccid
            record.from = prior.fromStatus
            record.async = prior.async
            record.monitorID = prior.monitorID
        }
        // Until an answer or a read names it, the ICCID is the one the product id carries.
        if record.iccid == nil { record.iccid = BackendCatalogue.identifier(ofProductID: bundle, backends: backends) }
        let known = request.knownStatus ?? context.known.status(of: bundle)
        if record.from == nil { record.from = known }
        machine = ChangeMachine(
            ChangeMachine.Setup(
                plan: request.plan, dryRun: context.dryRun, wait: request.wait, known: known,
                transitions: profile?.transitions, prior: prior.map { .init(state: $0.state, monitorID: $0.monitorID) },
                settleLimit: request.timeout ?? context.monitorTimeout, testsStatus: context.testsEveryStatus))
    }

    /// Runs the change to its end. Returns how it ended; throws what the script sees as the call's error.
    ///
    /// The loop keeps only the event and the action in its frame (the frame lives as long as the change): the
    /// machine's answer is taken by ``advance(_:)`` and the ending kept in ``ending`` until ``takeEnding()``.
    func run() async throws -> ChangeResult {
        var event = ChangeMachine.Event.start
        while let action = advance(event) {
            event = await perform(action)
        }
        return try takeEnding()
    }

    /// Feeds `event` to the machine: the next action, or nil when the change ended (its result in ``ending``).
    /// Kept out of `run()` (and not inlined) so that its temporaries are not part of the async frame that lives
    /// for the whole change.
    @inline(never)
    private func advance(_ event: ChangeMachine.Event) -> ChangeMachine.Action? {
        let action = machine.handle(event)
        switch action {
        case .finish(let state, let reason):
            ending = Result { try finish(state, reason: reason) }
        case .fail(let failure):
            ending = .failure(fail(failure))
        case .abandon(let reason):
            let error: any Error = context.report.tripped.map { GuardError(reason: $0) } ?? RunStopping(reason: reason)
            ending = .failure(error)
        default:
            return action
        }
        return nil
    }

    @inline(never)
    private func takeEnding() throws -> ChangeResult {
        guard let ending else { preconditionFailure("ChangePipeline: the change has not ended") }
        return try ending.get()
    }

    /// Does one action and says what happened.
    @inline(never)
    private func perform(_ action: ChangeMachine.Action) async -> ChangeMachine.Event {
        switch action {
        case .read: return await read()
        case .wait(let duration): return await wait(duration)
        case .reserve:
            do {
                try context.report.reserveChange()
                return .reserved
            } catch {
                context.control.stop(.requested(error.description))
                return .stopped(error.description)
            }
        case .send(let ops): return await send(ops)
        case .awaitMonitor(let accepted): return await awaitMonitor(accepted)
        case .finish, .fail, .abandon: preconditionFailure("ChangePipeline: \(action) ends the change")
        }
    }

    @inline(never)
    private func wait(_ duration: Duration) async -> ChangeMachine.Event {
        do {
            try await context.client.configuration.clock.sleep(for: duration)
            return .waited
        } catch {
            return .stopped("the run is stopping")
        }
    }
}
