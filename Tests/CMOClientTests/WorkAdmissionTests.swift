import Testing

@testable import CMOClient

/// `WorkAdmission`: new work starts only while requests do not queue for in-flight slots.
@Suite struct WorkAdmissionTests {
    @Test func admitsUpToTheCapThenWaitsForRequestsToComeIn() {
        var admission = WorkAdmission()
        // Nothing queued: four items fit a cap of 4 before any of them has sent a request.
        var admitted: [Bool] = []
        for _ in 0..<5 { admitted.append(admission.tryRequest(limit: 4, queued: 0)) }
        #expect(admitted == [true, true, true, true, false])
        let parked = admission.request(id: 7, limit: 4, queued: 0)
        #expect(!parked)
        // Two of them send requests, which queue: the queue takes their place, nobody starts.
        admission.requestEntered()
        admission.requestEntered()
        let whileQueued = admission.admitted(limit: 4, queued: 2)
        #expect(whileQueued.isEmpty)
        // The queue drains: the parked item starts, then a try fits again.
        let drained = admission.admitted(limit: 4, queued: 0)
        #expect(drained == [7])
        let again = admission.tryRequest(limit: 4, queued: 0)
        #expect(again)
        #expect(admission.pending == 4)
    }

    @Test func anItemThatSendsNothingStillFreesItsPlace() {
        var admission = WorkAdmission()
        let first = admission.tryRequest(limit: 1, queued: 0)
        let second = admission.request(id: 1, limit: 1, queued: 0)
        #expect(first && !second)
        admission.itemEnded()
        let ready = admission.admitted(limit: 1, queued: 0)
        #expect(ready == [1])
        // A cancelled waiter is forgotten; one already admitted is not.
        let third = admission.request(id: 2, limit: 1, queued: 0)
        let cancelled = admission.cancel(id: 2)
        let cancelledAdmitted = admission.cancel(id: 1)
        #expect(!third && cancelled && !cancelledAdmitted)
        // Parked waiters go first: a newcomer does not overtake them.
        let fourth = admission.request(id: 3, limit: 1, queued: 0)
        admission.itemEnded()
        let newcomer = admission.tryRequest(limit: 1, queued: 0)
        let next = admission.admitted(limit: 1, queued: 0)
        #expect(!fourth && !newcomer && next == [3])
    }
}
