import Foundation

/// The lines of standard input, read on a thread of their own: waiting for the operator to type never holds one
/// of the event-loop threads that run Swift concurrency and the HTTP connections (see `CMO.main`).
enum StandardInputLines {
    static func stream() -> AsyncStream<String> {
        let (lines, sink) = AsyncStream.makeStream(of: String.self)
        let reader = Thread {
            while let line = readLine() { sink.yield(line) }
            sink.finish()
        }
        reader.name = "cmo-stdin"
        reader.start()
        return lines
    }
}
