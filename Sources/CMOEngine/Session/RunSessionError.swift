import CMOClient
import CMOJournal

/// A problem found before a run starts: the run is not started and nothing is journaled (exit 2).
///
/// A struct around a private code, so new cases can come without breaking callers; ``description`` is the message
/// for people (it names the file, flag or setting to fix, never a secret).
public struct RunSessionError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case api, script, input, journal, resume
    }

    private let code: Code
    /// What is wrong and how to fix it.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The exit code for every problem of this kind: 2.
    public var exitCode: CMOExitCode { .usage }

    /// No usable API configuration, and the run did not say it needs none.
    static func api(_ error: CMOError) -> RunSessionError {
        RunSessionError(
            .api,
            "no usable CMO API configuration: \(error.message). Give --sim to run against a simulator, or --no-api "
                + "for a script that makes no API calls")
    }

    /// The script cannot be read.
    static func script(_ path: String) -> RunSessionError {
        RunSessionError(.script, "cannot read script '\(path)'")
    }

    /// An input file cannot be read.
    static func input(_ name: String, path: String) -> RunSessionError {
        RunSessionError(.input, "cannot read input '\(name)': no readable file at \(path)")
    }

    /// The journal cannot be opened or written.
    static func journal(_ error: JournalError, alternative: String) -> RunSessionError {
        RunSessionError(.journal, "\(error.message) (\(alternative))")
    }

    /// The run to resume is unknown or ambiguous.
    static func resume(_ error: JournalError) -> RunSessionError {
        RunSessionError(.resume, error.message)
    }

    /// A resume without a journal to read the run from.
    static let resumeNeedsJournal = RunSessionError(.resume, "--resume needs the journal: drop --no-journal")

    /// The run to resume ran a script or inputs that changed since.
    static func changedSince(_ runID: String, changed: [String]) -> RunSessionError {
        RunSessionError(
            .resume,
            "cannot resume run \(runID): \(changed.joined(separator: " and ")) changed since it ran; "
                + "resuming could change SIMs the run did not mean to. Give --force to resume anyway.")
    }
}
