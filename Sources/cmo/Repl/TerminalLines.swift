import CMOEngine
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where `cmo repl` reads: libedit on a terminal (``edited(historyPath:)``), plain lines from anything else
/// (``piped()``). Each reads on a thread of its own (never on an event-loop thread that runs Swift concurrency
/// and the HTTP connections, see `CMO.main`), one line per request of the session, with SIGINT and SIGTERM
/// blocked there so that the signal thread gets them.
enum TerminalLines {
    /// The terminal with line editing, history in `historyPath` and completion from the session.
    static func edited(historyPath: String?) -> ReplTerminal {
        start(interactive: true) { requests, sink in
            let editor = LineEditor(historyPath: historyPath)
            editor.complete = { word in
                let completion = ReplCompletion(word: word)
                sink.yield(.complete(completion))
                return completion.wait()
            }
            while true {
                switch editor.read(prompt: requests.take().text) {
                case .line(let line): sink.yield(.line(line))
                case .cancelled: sink.yield(.cancelled)
                case .end:
                    FileOutput.standardError.write("\n")
                    return
                }
            }
        }
    }

    /// Standard input as plain lines: no prompt, no editing.
    static func piped() -> ReplTerminal {
        start(interactive: false) { requests, sink in
            while true {
                _ = requests.take()
                guard let line = readLine() else { return }
                sink.yield(.line(line))
            }
        }
    }

    private static func start(
        interactive: Bool,
        _ read: @escaping @Sendable (PromptRequests, AsyncStream<ReplTerminal.Event>.Continuation) -> Void
    ) -> ReplTerminal {
        let (events, sink) = AsyncStream.makeStream(of: ReplTerminal.Event.self)
        let requests = PromptRequests()
        let reader = Thread {
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            sigaddset(&signals, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &signals, nil)
            read(requests, sink)
            sink.finish()
        }
        reader.name = "cmo-stdin"
        reader.start()
        return ReplTerminal(
            isInteractive: interactive, ask: { requests.post($0) }, events: events, interruption: ReplInterruption())
    }
}
