import CMOClient
import Foundation

/// The API client's configuration, named apart from ``RunSession/Configuration``.
public typealias APIConfiguration = Configuration

/// Where a run's API comes from.
public enum APISource: Sendable {
    /// Flags over `CMO_*` environment variables over a profile of the configuration file. A run with no usable
    /// configuration (nothing set, an unknown profile, a file that does not parse) does not start (exit 2).
    case configured(ConfigurationOverrides, environment: [String: String] = ProcessInfo.processInfo.environment)
    /// This configuration, as it is.
    case given(APIConfiguration)
    /// A simulator started in this process for this run only: its state ends with the process, so a stopped run
    /// against it cannot be resumed (no resume hint is printed).
    case inProcessSimulator(APIConfiguration)
    /// No API (`--no-api`): for scripts that make no API calls; the API bindings raise if they are called.
    case none

    /// The API a run gets.
    public struct Resolved: Sendable {
        /// The configuration; nil without an API.
        public var configuration: APIConfiguration?
        /// The error the API bindings raise without an API.
        public var unavailable: String
        /// Things the user should know (a secret file others may read), each starting with `warning:`.
        public var warnings: [String]
        /// Whether the API forgets everything when this process ends (``APISource/inProcessSimulator(_:)``).
        public var isEphemeral: Bool

        init(_ configuration: APIConfiguration?, unavailable: String = "", warnings: [String] = [], ephemeral: Bool = false) {
            self.configuration = configuration
            self.unavailable = unavailable
            self.warnings = warnings
            isEphemeral = ephemeral
        }
    }

    /// The error of API bindings called in a run with `--no-api`.
    public static let disabledMessage =
        "this run has no API (--no-api): give --sim, or drop --no-api and give the connection settings"

    /// The API, or why there is none usable.
    public func resolve() throws(RunSessionError) -> Resolved {
        do {
            return try load()
        } catch {
            throw RunSessionError.api(error)
        }
    }

    /// The API, or none with the reason as the bindings' error: for `cmo repl`, which works without one.
    func resolveLeniently() -> Resolved {
        do {
            return try load()
        } catch {
            return Resolved(nil, unavailable: "no CMO API is configured (\(error.message)): give --sim, or the connection settings")
        }
    }

    private func load() throws(CMOError) -> Resolved {
        switch self {
        case .configured(let overrides, let environment):
            let loaded = try Configuration.load(overrides: overrides, environment: environment)
            return Resolved(loaded.configuration, warnings: loaded.warnings)
        case .given(let configuration):
            return Resolved(configuration)
        case .inProcessSimulator(let configuration):
            return Resolved(configuration, ephemeral: true)
        case .none:
            return Resolved(nil, unavailable: Self.disabledMessage)
        }
    }
}
