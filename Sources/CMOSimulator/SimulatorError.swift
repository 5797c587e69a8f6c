/// Why a simulator could not start or stopped badly.
public struct SimulatorError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Equatable {
        case invalidConfiguration(String)
        case stoppedBeforeStart
        case stateFile(String)
    }

    private let code: Code

    /// A configuration value is out of range (the message says which).
    public static func invalidConfiguration(_ message: String) -> SimulatorError {
        SimulatorError(code: .invalidConfiguration(message))
    }

    /// The server stopped before it was listening (e.g. the port was taken).
    public static let stoppedBeforeStart = SimulatorError(code: .stoppedBeforeStart)

    /// The state file could not be opened or read.
    public static func stateFile(_ message: String) -> SimulatorError {
        SimulatorError(code: .stateFile(message))
    }

    public var description: String {
        switch code {
        case .invalidConfiguration(let message): "invalid simulator configuration: \(message)"
        case .stoppedBeforeStart: "the simulator stopped before it was listening"
        case .stateFile(let message): "state file: \(message)"
        }
    }
}
