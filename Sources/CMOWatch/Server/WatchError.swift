/// Why the daemon's window cannot start: a bad `--listen` value, or an address it cannot listen on. Either is a
/// configuration problem (`cmo` exits 2 before any job fires).
public struct WatchError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, closed set.
    public enum Code: Sendable, Equatable {
        case badAddress
        case cannotListen
    }

    public let code: Code
    /// One line for the operator.
    public let message: String

    public var description: String { message }

    static func badAddress(_ message: String) -> WatchError { WatchError(code: .badAddress, message: message) }

    static func cannotListen(_ address: ListenAddress, _ reason: String) -> WatchError {
        WatchError(code: .cannotListen, message: "cannot listen on \(address) (--listen): \(reason)")
    }
}
