import Foundation

/// Line-oriented writes to stdout and stderr.
enum StandardStreams {
    /// Writes a line to stdout.
    static func out(_ text: String) {
        print(text)
    }

    /// Writes a line to stderr.
    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
