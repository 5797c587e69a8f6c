/// Why the journal could not do what was asked.
public struct JournalError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The closed set of journal failures.
    public enum Code: Sendable, Equatable {
        /// The database file could not be opened, created or migrated.
        case unavailable
        /// A read or write failed.
        case storage
        /// No run has this id (or prefix).
        case unknownRun
        /// A run-id prefix names more than one run.
        case ambiguousRun
        /// A distributed run's worker no longer holds the shard's lease at its epoch: nothing of it was written.
        case fenced
        /// A distributed run's `--max-changes` is reached, counting every worker's intents: nothing was written.
        case limitReached
    }

    public var code: Code
    /// What went wrong, safe for logs: paths and ids, never a secret.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
