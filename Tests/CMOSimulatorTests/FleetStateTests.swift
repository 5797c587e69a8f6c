import Testing

@testable import CMOSimulator

/// The status state machine, driven directly with a fake clock (no server).
@Suite struct FleetStateTests {
    static let rules = FleetState.Rules(transitions: .default, asyncDelayMilliseconds: 1000, inErrorRate: 0, seed: 1)

    func makeState(inErrorRate: Double = 0) -> FleetState {
        var generator = FleetGenerator(seed: 11)
        var rules = Self.rules
        rules.inErrorRate = inErrorRate
        return FleetState(products: generator.makeFleet(count: 300), rules: rules)
    }

    func position(in state: FleetState, async: Bool, status: String) throws -> Int {
        try #require(state.products.firstIndex { $0.backend.isAsynchronous == async && $0.status == status })
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
        let blocked = try position(in: state, async: false, status: "BLOCKED")
        guard case .failure(.unprocessable) = state.patch(position: blocked, operations: Self.replace("ACTIVE"), now: 1) else {
            Issue.record("BLOCKED must not change")
            return
        }
        let inactive = try position(in: state, async: false, status: "INACTIVE")
        guard case .failure(.unprocessable(let detail)) = state.patch(position: inactive, operations: Self.replace("FLYING"), now: 1) else {
            Issue.record("unknown status must be refused")
            return
        }
        #expect(detail.contains("FLYING"))
        guard case .failure(.unprocessable) = state.patch(position: inactive, operations: Self.replace("SUSPENDED"), now: 1) else {
            Issue.record("INACTIVE -> SUSPENDED is not in the default table")
            return
        }
        #expect(state.products[inactive].status == "INACTIVE")
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
        rules.transitions = StatusTransitionTable(transitions: [.init(from: "INACTIVE", to: "SUSPENDED", pending: "PENDING_SUSPENDED")])
        var state = FleetState(products: generator.makeFleet(count: 300), rules: rules)
        let index = try position(in: state, async: false, status: "INACTIVE")
        #expect(state.patch(position: index, operations: Self.replace("SUSPENDED"), now: 1) == .success(.applied(position: index)))
        guard case .failure(.unprocessable) = state.patch(position: index, operations: Self.replace("ACTIVE"), now: 2) else {
            Issue.record("ACTIVE is not requestable in this table")
            return
        }
    }
}
