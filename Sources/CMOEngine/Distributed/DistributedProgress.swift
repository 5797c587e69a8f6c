import CMOJournal

/// The coordinator's progress across workers: shards done and in hand (by whom), items done, changes so far; one
/// line redrawn on a terminal, or a line every so often.
struct DistributedProgress {
    let mode: RunOptions.Progress
    private var lastLine: String?
    private var lastAt: ContinuousClock.Instant?
    private var drawn = false

    init(mode: RunOptions.Progress) {
        self.mode = mode
    }

    /// The line to write now for `shards`, if one is due.
    mutating func line(for shards: [ShardRow], now: ContinuousClock.Instant) -> String? {
        let text = Self.describe(shards)
        switch mode {
        case .none:
            return nil
        case .live:
            guard text != lastLine else { return nil }
            lastLine = text
            // Each line ends with a newline: a redraw goes up one line and clears it first.
            defer { drawn = true }
            return (drawn ? "\u{1b}[1A\r\u{1b}[K" : "") + text
        case .periodic(let interval):
            if let lastAt, now - lastAt < interval { return nil }
            lastAt = now
            return text
        }
    }

    static func describe(_ shards: [ShardRow]) -> String {
        let done = shards.filter { $0.state == .done }
        let held = shards.filter { $0.state == .leased }
        let items = shards.reduce(0) { $0 + $1.items }
        let itemsDone = done.reduce(0) { $0 + $1.items }
        let changed = done.reduce(0) { $0 + ($1.counts["changed"] ?? 0) }
        let failed = done.reduce(0) { $0 + ($1.counts["failed"] ?? 0) }
        let owners = Set(held.compactMap(\.owner)).sorted()
        var line = "shards \(done.count)/\(shards.count) done, \(held.count) in hand"
        if !owners.isEmpty { line += " (\(owners.joined(separator: ", ")))" }
        line += "; items \(itemsDone)/\(items); \(changed) changed, \(failed) failed"
        return line
    }
}
