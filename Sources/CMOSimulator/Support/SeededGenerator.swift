/// SplitMix64: a small, fast generator whose sequence depends only on its seed, on every platform and Swift
/// version, so that a seed always yields the same fleet byte for byte.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniformly distributed integer in `0..<bound` (`bound` > 0), computed without the standard library's
    /// algorithms so that it never changes between toolchains.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let product = next().multipliedFullWidth(by: UInt64(bound))
        return Int(product.high)
    }

    /// A value in `[0, 1)`.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A decimal digit string of the given length.
    mutating func digits(_ count: Int) -> String {
        var result = ""
        result.reserveCapacity(count)
        for _ in 0..<count {
            result.append(Character(Unicode.Scalar(UInt8(48 + below(10)))))
        }
        return result
    }

    /// Picks an element according to integer weights.
    mutating func weighted<T>(_ choices: [(T, Int)]) -> T {
        let total = choices.reduce(0) { $0 + $1.1 }
        var roll = below(total)
        for (value, weight) in choices {
            if roll < weight { return value }
            roll -= weight
        }
        return choices[choices.count - 1].0
    }

    /// The SplitMix64 finaliser, also used to hash a (seed, counter) pair into an independent draw.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A reproducible draw in `[0, 1)` for the `index`-th event of a `stream`, independent of thread scheduling.
    static func draw(seed: UInt64, stream: UInt64, index: UInt64) -> Double {
        let hashed = mix(mix(seed ^ (stream &* 0xD6E8_FEB8_6659_FD93)) ^ index)
        return Double(hashed >> 11) * 0x1.0p-53
    }

    /// A stable 64-bit hash of a string (FNV-1a), for draws keyed by an identifier.
    static func hash(_ string: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in string.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01B3
        }
        return hash
    }
}
