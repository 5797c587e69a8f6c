import Foundation
import Testing

@testable import CMOJournal

/// `Journal.prune`, on both stores: whole finished chains older than the cut go, with their changes; anything that
/// may still be resumed stays.
@Suite struct JournalRetentionTests {
    let now = Date()

    func run(_ id: String, root: String? = nil, startedDaysAgo days: Double) -> RunEntry {
        RunEntry(
            id: id, rootID: root, resumedFrom: root, scriptPath: "/w.lua", scriptHash: "h",
            startedAt: now.addingTimeInterval(-days * 86_400))
    }

    /// Fills `journal` with: an old finished run (2 settled changes), an old chain resumed yesterday, an old run
    /// with an open intent, an old run with no end, and a new run.
    func fill(_ journal: any Journal) async throws {
        let old = run("old", startedDaysAgo: 40)
        let chainRoot = run("chain-root", startedDaysAgo: 40)
        let chainResume = run("chain-resume", root: "chain-root", startedDaysAgo: 1)
        let open = run("open", startedDaysAgo: 40)
        let noEnd = run("no-end", startedDaysAgo: 40)
        let new = run("new", startedDaysAgo: 1)
        for entry in [old, chainRoot, chainResume, open, noEnd, new] { try await journal.begin(entry) }
        _ = try await journal.insert(JournalTests.change(old, key: "a", state: .changed))
        _ = try await journal.insert(JournalTests.change(old, key: "b", state: .failed))
        _ = try await journal.insert(JournalTests.change(chainRoot, key: "c", state: .changed))
        _ = try await journal.insert(JournalTests.change(open, key: "d", state: .intent))
        _ = try await journal.insert(JournalTests.change(new, key: "e", state: .changed))
        for (entry, days) in [(old, 40.0), (chainRoot, 40), (chainResume, 1), (open, 40), (new, 1)] {
            try await journal.finish(
                runID: entry.id, exitCode: 0, stopReason: nil, counts: [:], api: nil,
                at: now.addingTimeInterval(-days * 86_400 + 60))
        }
    }

    func ids(_ journal: any Journal) async throws -> [String] {
        try await journal.runs(limit: 100).map(\.id).sorted()
    }

    /// The keys of every change left, sorted.
    func changeKeys(_ journal: any Journal) async throws -> [String] {
        var keys: [String] = []
        for id in try await ids(journal) { keys += try await journal.changes(ofRun: id).map(\.key) }
        return keys.sorted()
    }

    @Test(arguments: JournalStoreKind.allCases)
    func prunesOnlyWholeFinishedChainsWithNothingOpen(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            try await fill(journal)
            let cut = now.addingTimeInterval(-30 * 86_400)
            let counted = try await journal.prune(endedBefore: cut, dryRun: true)
            #expect(counted == JournalPruneResult(runs: 1, changes: 2, kept: 3))
            #expect(try await ids(journal).count == 6, "a dry run deletes nothing")
            let pruned = try await journal.prune(endedBefore: cut)
            #expect(pruned == counted)
            #expect(try await ids(journal) == ["chain-resume", "chain-root", "new", "no-end", "open"])
            #expect(try await changeKeys(journal) == ["c", "d", "e"])
            #expect(try await journal.prune(endedBefore: cut) == JournalPruneResult(runs: 0, changes: 0, kept: 3))
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func aLaterCutTakesTheChainOnceItsLastRunIsOld(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            try await fill(journal)
            let pruned = try await journal.prune(endedBefore: now)
            // old, the chain (2 runs) and new go; the open intent and the run without an end stay.
            #expect(pruned == JournalPruneResult(runs: 4, changes: 4, kept: 2))
            #expect(try await ids(journal) == ["no-end", "open"])
            #expect(try await changeKeys(journal) == ["d"])
        }
    }
}
