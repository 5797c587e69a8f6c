/// Why a run stopped before its script finished.
public enum LuaStopReason: Sendable, Equatable, CustomStringConvertible {
    /// The run's time limit passed.
    case timeout(seconds: Double)
    /// The host asked the run to stop (a signal, a guard); the text says why.
    case requested(String)
    /// The instruction budget was spent.
    case instructionBudget(limit: Int64)
    /// The memory cap was reached.
    case memoryBudget(limit: Int)

    public var description: String {
        switch self {
        case .timeout(let seconds): "timed out after \(LuaStopReason.format(seconds)) s"
        case .requested(let why): why
        case .instructionBudget(let limit): "instruction budget exceeded (limit \(limit) instructions)"
        case .memoryBudget(let limit): "memory budget exceeded (limit \(limit) bytes)"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

extension LuaStopReason {
    /// The kind of the error a stopped run's tasks end with.
    var errorKind: LuaError.Kind {
        switch self {
        case .instructionBudget: .instructionBudget
        case .memoryBudget: .memoryBudget
        case .timeout, .requested: .interrupted
        }
    }
}

/// How a script run ended.
public enum LuaRunOutcome: Sendable, Equatable {
    /// The main chunk returned these values and every task ended without an unhandled error.
    case finished([LuaValue])
    /// The script, or a task nobody waited for, raised an error that nothing caught.
    case failed(LuaError)
    /// The run was stopped early; the error says where and why.
    case stopped(LuaStopReason, LuaError)
}
