/// Budgets that stop a runaway script without stopping the host.
///
/// The memory cap is enforced by the state's allocator; the instruction budget by a count hook that yields the
/// running thread to the host (a script's `pcall` cannot catch a yield) or, where Lua forbids a yield, raises.
public struct LuaLimits: Sendable, Equatable {
    /// The most bytes the state may allocate; `nil` for no cap. Default 256 MiB.
    public var memoryLimit: Int?
    /// The most VM instructions, counted across all threads; `nil` for no budget. Default 10 billion.
    public var instructionLimit: Int64?
    /// How many instructions pass between two checks of the budgets. Default 1000.
    public var hookInterval: Int32

    public init(memoryLimit: Int? = 256 << 20, instructionLimit: Int64? = 10_000_000_000, hookInterval: Int32 = 1000) {
        self.memoryLimit = memoryLimit
        self.instructionLimit = instructionLimit
        self.hookInterval = hookInterval
    }

    /// No cap and no budget, for trusted code and benchmarks.
    public static let unlimited = LuaLimits(memoryLimit: nil, instructionLimit: nil)
}
