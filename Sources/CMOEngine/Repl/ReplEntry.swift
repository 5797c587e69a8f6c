/// The lines of the entry being typed, and where it starts in the input.
struct ReplEntry {
    var source = ""
    /// The number of the entry's first line in the whole input.
    var firstLine: Int
    /// The number the next line will have.
    var nextLine: Int
    /// Lua's message for what the end of the entry cut short, while it is incomplete.
    var unfinished: String?

    init(nextLine: Int = 1) {
        firstLine = nextLine
        self.nextLine = nextLine
    }

    var isBlank: Bool { source.allSatisfy(\.isWhitespace) }

    mutating func append(_ line: String) {
        source += nextLine == firstLine ? line : "\n" + line
        nextLine += 1
    }
}
