import CMOClient

extension SimulatorConfiguration {
    /// Checks that every value is usable.
    public func validate() throws(SimulatorError) {
        func check(_ condition: Bool, _ message: String) throws(SimulatorError) {
            if !condition { throw .invalidConfiguration(message) }
        }
        try check((0...65535).contains(port), "port must be in 0...65535, got \(port)")
        try check(!tenants.isEmpty, "at least one tenant is needed")
        try check(tenants.allSatisfy { !$0.isEmpty && !$0.contains("/") }, "a tenant must be non-empty and contain no '/'")
        try check(!clients.isEmpty, "at least one client is needed")
        try check(!realm.isEmpty && !realm.contains("/"), "the realm must be non-empty and contain no '/'")
        try check(fleetSize >= 0 && fleetSize <= 2_000_000, "fleet size must be in 0...2000000, got \(fleetSize)")
        try check(tokenTTL >= 1, "token TTL must be at least 1 second, got \(tokenTTL)")
        try check(latencyMilliseconds >= 0 && jitterMilliseconds >= 0, "latency and jitter must not be negative")
        try check(asyncDelayMilliseconds >= 0, "async delay must not be negative")
        for (name, rate) in [("fault rate", faultRate), ("drop rate", dropRate), ("InError rate", inErrorRate)] {
            try check((0...1).contains(rate), "\(name) must be in 0...1, got \(rate)")
        }
        try check(faultRate + dropRate <= 1, "fault rate plus drop rate must not exceed 1")
        if let rateLimit { try check(rateLimit > 0, "rate limit must be positive, got \(rateLimit)") }
        if let quotaPerHour { try check(quotaPerHour >= 1, "quota must be at least 1 request per hour, got \(quotaPerHour)") }
        for profile in backends.profiles.values {
            if let rate = profile.requestsPerSecond {
                try check(rate > 0 && rate.isFinite, "backend \(profile.name): requests per second must be positive, got \(rate)")
            }
        }
        for product in products {
            try check(backends.profile(named: product.backend) != nil, "product of unknown backend '\(product.backend)'")
        }
        try check(maxPageSize >= 1, "max page size must be at least 1")
        try check((1...maxPageSize).contains(defaultPageSize), "default page size must be in 1...maxPageSize")
        try check(maxBodyBytes >= 1024, "max body size must be at least 1024 bytes")
    }
}
