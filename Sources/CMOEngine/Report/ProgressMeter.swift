/// Shows how far `cmo.parallel` has got: on a terminal a live line on stderr (done/total, rate, failures, ETA),
/// elsewhere a log line every `interval`. Only the outermost `parallel` of a run counts.
///
/// Driven from the Lua side (`cmo._progress`), so it lives on the run's task and needs no lock.
final class ProgressMeter {
    private let write: (String) -> Void
    private let live: Bool
    private let interval: Duration
    private var depth = 0
    private var total: Int?
    private var done = 0
    private var failed = 0
    private var started = ContinuousClock.now
    private var lastShown = ContinuousClock.now
    private var shownAnything = false

    /// `live`: redraw one line in place (a terminal); else print a line every `interval`.
    init(live: Bool, interval: Duration = .seconds(10), write: @escaping (String) -> Void) {
        self.live = live
        self.interval = interval
        self.write = write
    }

    func start(total: Int?) {
        depth += 1
        guard depth == 1 else { return }
        self.total = total
        done = 0
        failed = 0
        started = .now
        lastShown = .now
        shownAnything = false
    }

    func item(succeeded: Bool) {
        guard depth == 1 else { return }
        done += 1
        if !succeeded { failed += 1 }
        let now = ContinuousClock.now
        if now - lastShown >= (live ? .milliseconds(100) : interval) {
            lastShown = now
            show(now: now)
        }
    }

    func finish() {
        depth -= 1
        guard depth == 0, done > 0 else { return }
        if live {
            show(now: .now)
            write("\n")
        } else if shownAnything {
            show(now: .now)
        }
    }

    /// The status line: `120/500 done  41.2/s  3 failed  ETA 9s`.
    func line(now: ContinuousClock.Instant) -> String {
        let seconds = max((now - started).seconds, 0.001)
        let rate = Double(done) / seconds
        var text = total.map { "\(done)/\($0) done" } ?? "\(done) done"
        text += "  " + String(Int((rate * 10).rounded()) / 10) + "." + String(Int((rate * 10).rounded()) % 10) + "/s"
        text += "  \(failed) failed"
        if let total, rate > 0, done < total {
            text += "  ETA \(Int((Double(total - done) / rate).rounded(.up)))s"
        }
        return text
    }

    private func show(now: ContinuousClock.Instant) {
        shownAnything = true
        if live {
            write("\r\u{1B}[K" + line(now: now))
        } else {
            write("progress: " + line(now: now) + "\n")
        }
    }
}
