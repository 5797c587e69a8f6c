import CMOClient
import Testing

@testable import CMOSimulator

/// The status state machine, driven directly with a fake clock (no server).
@Suite struct FleetStateTests {
    static let rules = FleetState.Rules(backends: .standard, asyncDelayMilliseconds: 1000, inErrorRate: 0, seed: 1)

    func makeState(inErrorRate: Double = 0) -> FleetState {
        var generator = FleetGenerator(seed: 11)
        var rules = Self.rules
        rules.inErrorRate = inErrorRate
        return FleetState(products: generator.makeFleet(count: 300), rules: rules)
    }

    func position(in state: FleetState, async: Bool, status: String, backend: Backend? = nil) throws -> Int {
        try #require(state.products.firstIndex {
            state.rules.profile(of: $0.backend).isAsynchronous == async && $0.status == status && $0.connectivityType == .cellular
                && (backend == nil || $0.backend == backend)
        })
    }

    static func replace(_ status: String) -> [PatchOperation] {
        [PatchOperation(kind: .replace, field: .status, value: status)]
    }

    @Test func synchronousActivationAppliesAtOnceAndMovesDates() throws {
        var state = makeState()
        let index = try position(in: state, async: false, status: "INACTIVE")
        let now: Int64 = 1_700_000_000_000
        let outcome = state.patch(position: index, operations: Self.replace("ACTIVE"), now: now)
        #expect(outcome == .success(.applied(position: index)))
        let product = state.products[index]
        #expect(product.status == "ACTIVE")
        #expect(product.characteristic("dateUpdated") == Timestamp.iso8601(millis: now))
        #expect(product.characteristic("dateActivated") == Timestamp.iso8601(millis: now))
        #expect(state.appliedChanges[product.id] == 1)
    }

    @Test func asynchronousActivationIsPendingUntilTheMonitorIsDue() throws {
        var state = makeState()
        let index = try position(in: state, async: true, status: "INACTIVE")
        let id = state.products[index].id
        guard case .success(.accepted(let monitorID)) = state.patch(position: index, operations: Self.replace("ACTIVE"), now: 5000) else {
            Issue.record("expected a monitor")
            return
        }
        #expect(monitorID == "\(state.products[index].identifier)-5000")
        #expect(state.products[index].status == "PENDING_ACTIVE")
        #expect(state.monitor(monitorID)?.state == .inProgress)
        #expect(state.appliedChanges[id] == nil)

        state.settle(now: 5999)
        #expect(state.monitor(monitorID)?.state == .inProgress)
        state.settle(now: 6000)
        #expect(state.monitor(monitorID)?.state == .completed)
        #expect(state.products[index].status == "ACTIVE")
        #expect(state.products[index].characteristic("dateActivated") == Timestamp.iso8601(millis: 6000))
        #expect(state.appliedChanges[id] == 1)
    }

    @Test func secondChangeWhileAMonitorRunsConflicts() throws {
        var state = makeState()
        let index = try position(in: state, async: true, status: "INACTIVE")
        guard case .success(.accepted(let monitorID)) = state.patch(position: index, operations: Self.replace("ACTIVE"), now: 0) else {
            Issue.record("expected a monitor")
            return
        }
        #expect(state.patch(position: index, operations: Self.replace("ACTIVE"), now: 10) == .failure(.changeInProgress(monitorID: monitorID)))
        // Once due, the next change is accepted again.
        #expect(state.patch(position: index, operations: Self.replace("SUSPENDED"), now: 2000) != .failure(.changeInProgress(monitorID: monitorID)))
    }

    @Test func monitorInErrorRestoresTheFormerStatusAndNotes() throws {
        var state = makeState(inErrorRate: 1)
        let index = try position(in: state, async: true, status: "SUSPENDED")
        let operations = Self.replace("ACTIVE") + [PatchOperation(kind: .replace, field: .simNotes, value: "try")]
        guard case .success(.accepted(let monitorID)) = state.patch(position: index, operations: operations, now: 0) else {
            Issue.record("expected a monitor")
            return
        }
        #expect(state.products[index].characteristic("simNotes") == "try")
        state.settle(now: 1000)
        let monitor = try #require(state.monitor(monitorID))
        #expect(monitor.state == .inError)
        #expect(monitor.reason?.isEmpty == false)
        #expect(state.products[index].status == "SUSPENDED")
        #expect(state.products[index].characteristic("simNotes") == "")
        #expect(state.appliedChanges[state.products[index].id] == nil)
    }

    @Test func failedTestChangesNothing() throws {
        var state = makeState()
        let index = try position(in: state, async: false, status: "ACTIVE")
        let before = state.products[index]
        let operations = [PatchOperation(kind: .test, field: .status, value: "INACTIVE")] + Self.replace("SUSPENDED")
        guard case .failure(.testFailed) = state.patch(position: index, operations: operations, now: 1) else {
            Issue.record("expected a failed test")
            return
        }
        #expect(state.products[index] == before)
    }

    @Test func passingTestGuardsTheChange() throws {
        var state = makeState()
        let index = try position(in: state, async: false, status: "INACTIVE")
        let operations = [PatchOperation(kind: .test, field: .status, value: "INACTIVE")] + Self.replace("ACTIVE")
        #expect(state.patch(position: index, operations: operations, now: 1) == .success(.applied(position: index)))
        #expect(state.products[index].status == "ACTIVE")
    }

    @Test func blockedProductsAndUnknownStatusesAreUnprocessable() throws {
        var state = makeState()
        let blocked = try position(in: state, async: false, status: "BLOCKED", backend: .tmus)
        guard case .failure(.unprocessable(let blockedDetail)) = state.patch(position: blocked, operations: Self.replace("ACTIVE"), now: 1) else {
            Issue.record("BLOCKED must not change")
            return
        }
        #expect(blockedDetail == "the status cannot change from BLOCKED to ACTIVE (no change is allowed from BLOCKED)")
        let inactive = try position(in: state, async: false, status: "INACTIVE", backend: .tmus)
        guard case .failure(.unprocessable(let detail)) = state.patch(position: inactive, operations: Self.replace("FLYING"), now: 1) else {
            Issue.record("unknown status must be refused")
            return
        }
        #expect(detail == "'FLYING' is not a status of TMUS (its statuses: CREATED, INACTIVE, ACTIVE, SUSPENDED, PENDING_TERMINATE).")
        guard case .failure(.unprocessable(let refusal)) = state.patch(position: inactive, operations: Self.replace("SUSPENDED"), now: 1) else {
            Issue.record("INACTIVE -> SUSPENDED is not in TMUS's table")
            return
        }
        #expect(refusal == "the status cannot change from INACTIVE to SUSPENDED (allowed: ACTIVE)")
        #expect(state.products[inactive].status == "INACTIVE")
    }

    @Test func eachBackendFollowsItsOwnTable() throws {
        var state = makeState()
        // Jasper allows every change, INACTIVE -> SUSPENDED too.
        let jasper = try position(in: state, async: false, status: "INACTIVE", backend: .jasper)
        #expect(state.patch(position: jasper, operations: Self.replace("SUSPENDED"), now: 1) == .success(.applied(position: jasper)))
        // 1NCE knows ACTIVE and SUSPENDED only.
        let oneNCE = try position(in: state, async: false, status: "ACTIVE", backend: .oneNCE)
        guard case .failure(.unprocessable(let detail)) = state.patch(position: oneNCE, operations: Self.replace("INACTIVE"), now: 1) else {
            Issue.record("1NCE has no INACTIVE")
            return
        }
        #expect(detail.hasPrefix("'INACTIVE' is not a status of 1NCE"))
        #expect(state.patch(position: oneNCE, operations: Self.replace("SUSPENDED"), now: 1) == .success(.applied(position: oneNCE)))
        // TMUS terminates through PENDING_TERMINATE, synchronously.
        let tmus = try position(in: state, async: false, status: "ACTIVE", backend: .tmus)
        #expect(state.patch(position: tmus, operations: Self.replace("PENDING_TERMINATE"), now: 1) == .success(.applied(position: tmus)))
        // An asynchronous backend shows the table's pending status.
        let tmsp = try position(in: state, async: true, status: "SUSPENDED", backend: .tmsp)
        guard case .success(.accepted) = state.patch(position: tmsp, operations: Self.replace("ACTIVE"), now: 1) else {
            Issue.record("TMSP answers with a monitor")
            return
        }
        #expect(state.products[tmsp].status == "PENDING_ACTIVE")
    }

    @Test func jasperCharacteristicsAreWritableThereOnly() throws {
        var state = makeState()
        let jasper = try position(in: state, async: false, status: "ACTIVE", backend: .jasper)
        let operations = [
            PatchOperation(kind: .test, field: .communicationPlan, value: ""),
            PatchOperation(kind: .replace, field: .communicationPlan, value: "CP Europe"),
            PatchOperation(kind: .replace, field: .modemId, value: "M-17"),
            PatchOperation(kind: .replace, field: .productOffering, value: "IoT Flex 10MB"),
            PatchOperation(kind: .test, field: .modemId, value: "M-17"),
        ]
        #expect(state.patch(position: jasper, operations: operations, now: 5) == .success(.applied(position: jasper)))
        let product = state.products[jasper]
        #expect(product.characteristic("communicationPlan") == "CP Europe" && product.characteristic("modemId") == "M-17")
        #expect(product.offeringName == "IoT Flex 10MB")
        guard case .failure(.testFailed) = state.patch(position: jasper, operations: [.init(kind: .test, field: .modemId, value: "x")], now: 6) else {
            Issue.record("a wrong test of /modemId must fail")
            return
        }
        let tmus = try position(in: state, async: false, status: "ACTIVE", backend: .tmus)
        let before = state.products[tmus]
        let change = [PatchOperation(kind: .replace, field: .simNotes, value: "n"), .init(kind: .replace, field: .communicationPlan, value: "CP")]
        guard case .failure(.unprocessable(let detail)) = state.patch(position: tmus, operations: change, now: 7) else {
            Issue.record("TMUS must refuse communicationPlan")
            return
        }
        #expect(detail == "Operation 1: TMUS does not allow changing communicationPlan (JASPER only).")
        #expect(state.products[tmus] == before)
        #expect(state.patch(position: tmus, operations: [.init(kind: .test, field: .communicationPlan, value: "")], now: 8) == .success(.applied(position: tmus)))
    }

    @Test func sameStatusIsAcceptedAndChangesNothing() throws {
        var state = makeState()
        let index = try position(in: state, async: true, status: "ACTIVE")
        let before = state.products[index]
        #expect(state.patch(position: index, operations: Self.replace("ACTIVE"), now: 99) == .success(.applied(position: index)))
        #expect(state.products[index] == before)
        #expect(state.appliedChanges[before.id] == nil)
        #expect(state.monitors.isEmpty)
    }

    @Test func notesAloneAreWrittenAtOnceOnAnAsynchronousBackend() throws {
        var state = makeState()
        let index = try position(in: state, async: true, status: "ACTIVE")
        let operations = [PatchOperation(kind: .replace, field: .simNotes, value: "rack 4")]
        #expect(state.patch(position: index, operations: operations, now: 77) == .success(.applied(position: index)))
        #expect(state.products[index].characteristic("simNotes") == "rack 4")
        #expect(state.products[index].characteristic("dateUpdated") == Timestamp.iso8601(millis: 77))
        #expect(state.appliedChanges[state.products[index].id] == nil)
    }

    @Test func customTransitionTableIsHonoured() throws {
        var generator = FleetGenerator(seed: 11)
        var rules = Self.rules
        var catalogue = BackendCatalogue.standard
        for name in catalogue.names {
            catalogue.profiles[name]?.isAsynchronous = false
            catalogue.profiles[name]?.transitions = StatusTransitions([
                .init(from: "INACTIVE", to: "SUSPENDED", pending: "PENDING_SUSPENDED"), .init(from: "SUSPENDED", to: "ACTIVE"),
            ])
        }
        rules.backends = catalogue
        var state = FleetState(products: generator.makeFleet(count: 300), rules: rules)
        let index = try position(in: state, async: false, status: "INACTIVE")
        #expect(state.patch(position: index, operations: Self.replace("SUSPENDED"), now: 1) == .success(.applied(position: index)))
        guard case .failure(.unprocessable(let detail)) = state.patch(position: index, operations: Self.replace("INACTIVE"), now: 2) else {
            Issue.record("SUSPENDED -> INACTIVE is not in this table")
            return
        }
        #expect(detail == "the status cannot change from SUSPENDED to INACTIVE (allowed: ACTIVE)")
    }
}
