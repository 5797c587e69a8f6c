import CMOTestSupport
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import CMOJournal

/// A journal statement's try is bounded: a body that never ends is given up (and cancelled), and the journal then
/// replaces its pool and runs the statement again on a fresh connection, so a stuck pool cannot hang a run.
@Suite struct PostgresAttemptTests {
    /// A counter the bodies share with the test.
    final class Counter: Sendable {
        private let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
        @discardableResult func next() -> Int { count.add(1, ordering: .relaxed).newValue }
    }

    @Test func aBodyThatEndsInTimeGivesItsValueOrItsError() async throws {
        #expect(try await PostgresAttempt.run(within: .seconds(10)) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await PostgresAttempt.run(within: .seconds(10)) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func aBodyThatNeverEndsTimesOutAndIsCancelled() async throws {
        let cancelled = Counter()
        await #expect(throws: PostgresAttempt.TimedOut.self) {
            try await PostgresAttempt.run(within: .milliseconds(100)) { () async throws -> Int in
                // Ignores cancellation for a while, as a call stuck in a library would.
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                cancelled.next()
                return 0
            }
        }
        for _ in 0..<500 where cancelled.value == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(cancelled.value == 1)
    }

    @Test func aStatementWithoutAnAnswerInTimeRunsAgainOnAFreshPool() async throws {
        let url = try PostgresTestCluster.shared().makeDatabase().absoluteString
        let journal = try await PostgresJournal.open(
            PostgresLocation(url: url, environment: [:]), logger: Logger(label: "cmo.journal.test"),
            reconnectWindow: .seconds(60), attemptLimit: .milliseconds(500))
        let first = journal.pool.generation.number
        let tries = Counter()
        // The first try outlasts the limit on the server (as a connection that went quiet would); the second
        // answers at once.
        let answer = try await journal.retrying("wait") { client in
            let sleep = tries.next() == 1 ? 3.0 : 0.0
            for try await value in try await client.query("SELECT pg_sleep(\(sleep))::text || 'done'").decode(String.self) {
                return value
            }
            return ""
        }
        #expect(answer == "done")
        #expect(tries.value == 2)
        #expect(journal.pool.generation.number == first + 1)
        // The fresh pool serves the journal's own statements.
        #expect(try await journal.schemaVersion() == PostgresJournal.latestSchemaVersion)
        await journal.close()
    }
}
