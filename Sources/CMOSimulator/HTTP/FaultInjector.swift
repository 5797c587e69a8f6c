import HTTPTypes

/// Seeded decisions about latency, injected server errors and dropped connections, one per API request.
///
/// The n-th request always gets the same decision for a given seed, whatever the threads do.
final class FaultInjector: Sendable {
    /// What to do to one request.
    struct Plan: Sendable {
        var delayMilliseconds: Int = 0
        /// Answer this server error before doing anything.
        var fault: HTTPResponse.Status?
        var drop = false
    }

    private let configuration: SimulatorConfiguration
    private let counter = Locked<UInt64>(0)
    private let isActive: Bool

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        self.isActive = configuration.latencyMilliseconds > 0 || configuration.jitterMilliseconds > 0
            || configuration.faultRate > 0 || configuration.dropRate > 0
    }

    private static let faults: [HTTPResponse.Status] = [.internalServerError, .badGateway, .serviceUnavailable]

    /// The plan for the next request.
    func next() -> Plan {
        guard isActive else { return Plan() }
        let index = counter.withLock { value in
            value += 1
            return value
        }
        let seed = configuration.seed
        var plan = Plan(delayMilliseconds: max(0, configuration.latencyMilliseconds))
        if configuration.jitterMilliseconds > 0 {
            let draw = SeededGenerator.draw(seed: seed, stream: 1, index: index)
            plan.delayMilliseconds += Int(draw * Double(configuration.jitterMilliseconds + 1))
        }
        if configuration.faultRate > 0, SeededGenerator.draw(seed: seed, stream: 2, index: index) < configuration.faultRate {
            let pick = Int(SeededGenerator.draw(seed: seed, stream: 3, index: index) * Double(Self.faults.count))
            plan.fault = Self.faults[min(pick, Self.faults.count - 1)]
        } else if configuration.dropRate > 0, SeededGenerator.draw(seed: seed, stream: 4, index: index) < configuration.dropRate {
            plan.drop = true
        }
        return plan
    }
}
