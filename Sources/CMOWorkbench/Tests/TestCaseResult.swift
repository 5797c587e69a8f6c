/// How one test (`it`) ended.
public struct TestCaseResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        case passed, failed, pending
    }

    /// The full name: the enclosing `describe` names and the test's, joined with spaces.
    public var name: String
    public var status: Status
    /// The failure's message (with its `file:line:` when Lua gave one).
    public var message: String?
    /// `file:line` of the failing assertion or error, when known.
    public var location: String?
    /// Real seconds the test took.
    public var seconds: Double

    public init(name: String, status: Status, message: String? = nil, location: String? = nil, seconds: Double = 0) {
        self.name = name
        self.status = status
        self.message = message
        self.location = location
        self.seconds = seconds
    }
}

/// How one test file ended: its tests, or the error that stopped it before they ran.
public struct TestFileResult: Sendable {
    /// The file's path, as found.
    public var path: String
    public var cases: [TestCaseResult]
    /// Why the file's tests could not run (a syntax error, an error while declaring them), if so.
    public var error: String?
    /// `file:line` of that error, when known.
    public var errorLocation: String?
    /// Real seconds the file took.
    public var seconds: Double
    /// What the file's code printed.
    public var output: [String]

    public init(
        path: String, cases: [TestCaseResult] = [], error: String? = nil, errorLocation: String? = nil,
        seconds: Double = 0, output: [String] = []
    ) {
        self.path = path
        self.cases = cases
        self.error = error
        self.errorLocation = errorLocation
        self.seconds = seconds
        self.output = output
    }

    /// Whether every test passed (or is pending) and the file ran.
    public var succeeded: Bool { error == nil && !cases.contains { $0.status == .failed } }
}
