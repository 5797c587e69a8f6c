@testable import CMOClient
import CMOJournal
import Testing

@testable import CMOEngine

/// Every transition of a change's lifecycle, without a network: events in, actions out.
@Suite struct ChangeMachineTests {
    static let activate = ChangePlan.status(target: "ACTIVE", onlyIf: nil)

    static func machine(
        _ plan: ChangePlan = activate, known: String? = nil, dryRun: Bool = false, wait: Bool = true,
        prior: ChangeMachine.Prior? = nil
    ) -> ChangeMachine {
        ChangeMachine(
            ChangeMachine.Setup(
                plan: plan, dryRun: dryRun, wait: wait, known: known, transitions: .inferred, prior: prior,
                settleLimit: .seconds(2)))
    }

    static func ops(_ test: String?, _ target: String) -> [JSONPatchOperation] {
        var ops: [JSONPatchOperation] = []
        if let test { ops.append(JSONPatchOperation(op: .test, path: "/status", value: .string(test))) }
        ops.append(JSONPatchOperation(op: .replace, path: "/status", value: .string(target)))
        return ops
    }

    static func error(_ kind: CMOError.Kind, status: Int? = nil, attempts: Int = 1) -> CMOError {
        CMOError(kind: kind, message: "\(kind)", status: status, attempts: attempts)
    }

    @Test func anUnknownStatusCostsOneReadThenTheChangeIsSentWithATestOfIt() {
        var machine = Self.machine()
        #expect(machine.handle(.start) == .read)
        #expect(machine.handle(.read(status: "INACTIVE", document: nil)) == .reserve)
        #expect(machine.handle(.reserved) == .send(Self.ops("INACTIVE", "ACTIVE")))
        #expect(machine.handle(.answered(.completed(.null))) == .finish(.changed))
        #expect(machine.isDone)
    }

    @Test func aKnownStatusSendsAtOnceWithoutARead() {
        var machine = Self.machine(known: "INACTIVE")
        #expect(machine.handle(.start) == .reserve)
        #expect(machine.handle(.reserved) == .send(Self.ops("INACTIVE", "ACTIVE")))
    }

    @Test func aStaleKnownStatusFailsItsTestThenTheChangeReadsAndDecidesAgain() {
        var machine = Self.machine(known: "INACTIVE")
        _ = machine.handle(.start)
        _ = machine.handle(.reserved)
        #expect(machine.handle(.sendFailed(Self.error(.http, status: 409))) == .read)
        // Someone suspended it meanwhile: the change tests the new status; it is not reserved twice.
        #expect(machine.handle(.read(status: "SUSPENDED", document: nil)) == .send(Self.ops("SUSPENDED", "ACTIVE")))
        #expect(machine.handle(.answered(.completed(.null))) == .finish(.changed))
    }

    @Test func aStaleStatusThatAlreadyIsTheTargetEndsUnchanged() {
        var machine = Self.machine(known: "INACTIVE")
        _ = machine.handle(.start)
        _ = machine.handle(.reserved)
        _ = machine.handle(.sendFailed(Self.error(.http, status: 409)))
        #expect(machine.handle(.read(status: "ACTIVE", document: nil)) == .finish(.unchanged))
    }

    @Test func aKnownTargetStatusOrAFailedOnlyIfSendsNothing() {
        var same = Self.machine(known: "ACTIVE")
        #expect(same.handle(.start) == .finish(.unchanged))
        var onlyIf = Self.machine(.status(target: "ACTIVE", onlyIf: "INACTIVE"), known: "SUSPENDED")
        #expect(onlyIf.handle(.start) == .finish(.skipped))
    }

    @Test func anAmbiguousFailureReadsBeforeSendingAgainAndWaitsOutPending() {
        var machine = Self.machine(known: "INACTIVE")
        _ = machine.handle(.start)
        _ = machine.handle(.reserved)
        #expect(machine.handle(.sendFailed(Self.error(.http, status: 502))) == .wait(.milliseconds(200)))
        #expect(machine.handle(.waited) == .read)
        // Our lost request is in flight at the backend: wait it out instead of sending again.
        #expect(machine.handle(.read(status: "PENDING_ACTIVE", document: nil)) == .wait(.milliseconds(250)))
        #expect(machine.handle(.waited) == .read)
        #expect(machine.handle(.read(status: "ACTIVE", document: nil)) == .finish(.changed))
        #expect(machine.sends == 1)
    }

    @Test func anAmbiguousFailureThatChangedNothingIsSentAgain() {
        var machine = Self.machine(known: "INACTIVE")
        _ = machine.handle(.start)
        _ = machine.handle(.reserved)
        _ = machine.handle(.sendFailed(Self.error(.network)))
        _ = machine.handle(.waited)
        #expect(machine.handle(.read(status: "INACTIVE", document: nil)) == .send(Self.ops("INACTIVE", "ACTIVE")))
        #expect(machine.sends == 2)
    }

    @Test func aConflictAfterARetriedRequestIsOurOwnChangeInProgress() {
        var machine = Self.machine(known: "INACTIVE")
        _ = machine.handle(.start)
        _ = machine.handle(.reserved)
        // The client retried a 5xx; the retry met "a change is in progress": the first attempt was applied.
        #expect(machine.handle(.sendFailed(Self.error(.http, status: 409, attempts: 2))) == .read)
        #expect(machine.handle(.read(status: "PENDING_ACTIVE", document: nil)) == .wait(.milliseconds(250)))
        _ = machine.handle(.waited)
        #expect(machine.handle(.read(status: "ACTIVE", document: nil)) == .finish(.changed))
    }

    @Test func aFirstAttemptsConflictWithSomeoneElsesChangeFails() {
        var machine = Self.machine(known: "INACTIVE")
        _ = machine.handle(.start)
        _ = machine.handle(.reserved)
        let conflict = Self.error(.http, status: 409)
        #expect(machine.handle(.sendFailed(conflict)) == .read)
        #expect(machine.handle(.read(status: "PENDING_SUSPENDED", document: nil)) == .fail(.api(conflict)))
    }

    @Test func pendingNeverSettlingGivesUpAtTheLimit() {
        var machine = Self.machine(known: "INACTIVE")
        _ = machine.handle(.start)
        _ = machine.handle(.reserved)
        _ = machine.handle(.sendFailed(Self.error(.timeout)))
        var action = machine.handle(.waited)
        var reads = 0
        while action == .read, reads < 100 {
            reads += 1
            action = machine.handle(.read(status: "PENDING_ACTIVE", document: nil))
            if case .wait = action { action = machine.handle(.waited) }
        }
        #expect(action == .fail(.conflict("is still PENDING_ACTIVE after waiting for it to settle")))
        #expect(reads > 1)
    }

    @Test func sendsAreBounded() {
        var machine = Self.machine(known: "INACTIVE")
        var action = machine.handle(.start)
        action = machine.handle(.reserved)
        var rounds = 0
        while case .send = action, rounds < 10 {
            rounds += 1
            _ = machine.handle(.sendFailed(Self.error(.network)))
            action = machine.handle(.read(status: "INACTIVE", document: nil))
        }
        #expect(rounds == ChangeMachine.maxSends)
        #expect(machine.isDone)
    }

    @Test func asynchronousAnswersWaitForTheMonitorOrEndAccepted() {
        let monitor = Monitor(id: "m1", state: .inProgress)
        var waiting = Self.machine(known: "INACTIVE")
        _ = waiting.handle(.start)
        _ = waiting.handle(.reserved)
        #expect(waiting.handle(.answered(.accepted(monitor))) == .awaitMonitor(monitor))
        #expect(waiting.handle(.monitorEnded) == .finish(.changed))

        var notWaiting = Self.machine(known: "INACTIVE", wait: false)
        _ = notWaiting.handle(.start)
        _ = notWaiting.handle(.reserved)
        #expect(notWaiting.handle(.answered(.accepted(monitor))) == .finish(.accepted))

        var failing = Self.machine(known: "INACTIVE")
        _ = failing.handle(.start)
        _ = failing.handle(.reserved)
        _ = failing.handle(.answered(.accepted(monitor)))
        let failed = Self.error(.monitorFailed)
        #expect(failing.handle(.monitorFailed(failed)) == .fail(.api(failed)))
    }

    @Test func aStopWhileInFlightLeavesWhatAResumeNeeds() {
        // A monitor wait cut short: the change stays accepted.
        var monitoring = Self.machine(known: "INACTIVE")
        _ = monitoring.handle(.start)
        _ = monitoring.handle(.reserved)
        _ = monitoring.handle(.answered(.accepted(Monitor(id: "m", state: .inProgress))))
        #expect(monitoring.handle(.stopped("SIGINT")) == .finish(.accepted))
        // A read cancelled before any request: nothing to record, not a failure.
        var reading = Self.machine()
        _ = reading.handle(.start)
        #expect(reading.handle(.stopped("SIGINT")) == .abandon("SIGINT"))
        // A read after an ambiguous failure: the request may have arrived; the change stays an intent.
        var resolving = Self.machine(known: "INACTIVE")
        _ = resolving.handle(.start)
        _ = resolving.handle(.reserved)
        _ = resolving.handle(.sendFailed(Self.error(.network)))
        #expect(resolving.handle(.stopped("SIGINT")) == .finish(.intent))
    }

    @Test func guardTripsAndRefusedSendsEndWithoutARecord() {
        var machine = Self.machine(known: "INACTIVE")
        #expect(machine.handle(.start) == .reserve)
        #expect(machine.handle(.stopped("--max-changes 0 reached")) == .abandon("--max-changes 0 reached"))
    }

    @Test func replayedOutcomesNeedNoRequest() {
        var settled = Self.machine(prior: .init(state: .changed, monitorID: nil))
        #expect(settled.handle(.start) == .finish(.changed))
        var accepted = Self.machine(prior: .init(state: .accepted, monitorID: "m9"))
        #expect(accepted.handle(.start) == .awaitMonitor(Monitor(id: "m9", state: .inProgress)))
        var intent = Self.machine(known: "INACTIVE", prior: .init(state: .intent, monitorID: nil))
        #expect(intent.handle(.start) == .read)
        #expect(intent.handle(.read(status: "ACTIVE", document: nil)) == .finish(.changed))
        var failed = Self.machine(known: "INACTIVE", prior: .init(state: .failed, monitorID: nil))
        #expect(failed.handle(.start) == .reserve)
    }

    @Test func aDryRunAnswersAsTheBackendWould() {
        var allowed = Self.machine(known: "INACTIVE", dryRun: true)
        #expect(allowed.handle(.start) == .reserve)
        #expect(allowed.handle(.reserved) == .finish(.wouldChange))
        var blocked = Self.machine(known: "BLOCKED", dryRun: true)
        #expect(
            blocked.handle(.start)
                == .finish(.refused, reason: "the status cannot change from BLOCKED to ACTIVE (no change is allowed from BLOCKED)"))
        var suspend = Self.machine(.status(target: "SUSPENDED", onlyIf: nil), known: "INACTIVE", dryRun: true)
        #expect(
            suspend.handle(.start)
                == .finish(.refused, reason: "the status cannot change from INACTIVE to SUSPENDED (allowed: ACTIVE)"))
    }

    @Test func aRawPatchIsSentAtOnceAndAfterAnAmbiguousFailureOnlyIfItDoesNotHoldYet() {
        let notes = [JSONPatchOperation(op: .replace, path: "/simNotes", value: .string("x"))]
        var machine = Self.machine(.patch(notes))
        #expect(machine.handle(.start) == .reserve)
        #expect(machine.handle(.reserved) == .send(notes))
        _ = machine.handle(.sendFailed(Self.error(.outcomeUnknown)))
        _ = machine.handle(.waited)
        #expect(machine.handle(.read(status: "ACTIVE", document: ["simNotes": "x"])) == .finish(.changed))

        var again = Self.machine(.patch(notes))
        _ = again.handle(.start)
        _ = again.handle(.reserved)
        _ = again.handle(.sendFailed(Self.error(.outcomeUnknown)))
        _ = again.handle(.waited)
        #expect(again.handle(.read(status: "ACTIVE", document: ["simNotes": "old"])) == .send(notes))

        // The script's own test failing is the script's answer, not a reason to read.
        var tested = Self.machine(.patch(notes))
        _ = tested.handle(.start)
        _ = tested.handle(.reserved)
        let conflict = Self.error(.http, status: 409)
        #expect(tested.handle(.sendFailed(conflict)) == .fail(.api(conflict)))
    }
}
