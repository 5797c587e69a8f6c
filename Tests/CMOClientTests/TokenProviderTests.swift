import Foundation
import Synchronization
import Testing

@testable import CMOClient

@Suite struct TokenProviderTests {
    /// A fetch that counts calls and answers after a short pause, so concurrent callers overlap with it.
    final class CountingFetch: Sendable {
        let calls = Atomic<Int>(0)
        let refuse: Bool

        init(refuse: Bool = false) {
            self.refuse = refuse
        }

        func fetch() async -> Result<AccessToken, TokenProvider.TokenFetchFailure> {
            let call = calls.add(1, ordering: .relaxed).newValue
            try? await Task.sleep(for: .milliseconds(50))
            if refuse {
                return .failure(.init(error: CMOError(kind: .auth, message: "refused", status: 401), final: true))
            }
            return .success(
                AccessToken(value: Secret("token-\(call)"), lifetime: .seconds(300), receivedAt: .now, expiresAtDate: Date()))
        }
    }

    @Test func hundredConcurrentCallersCauseOneFetch() async throws {
        let counter = CountingFetch()
        let provider = TokenProvider(refreshSkew: .seconds(30)) { await counter.fetch() }
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<100 { group.addTask { try await provider.token().value.value } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(counter.calls.load(ordering: .relaxed) == 1)
        #expect(values == ["token-1"])
    }

    @Test func refusedCredentialsAreRequestedOnce() async {
        let counter = CountingFetch(refuse: true)
        let provider = TokenProvider(refreshSkew: .seconds(30)) { await counter.fetch() }
        let failures = await withTaskGroup(of: CMOError?.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    do {
                        _ = try await provider.token()
                        return nil
                    } catch {
                        return error as? CMOError
                    }
                }
            }
            return await group.compactMap { $0 }.reduce(into: [CMOError]()) { $0.append($1) }
        }
        // Later callers fail at once too.
        await #expect(throws: CMOError.self) { try await provider.token() }
        #expect(failures.count == 50)
        #expect(failures.allSatisfy { $0.kind == CMOError.Kind.auth })
        #expect(counter.calls.load(ordering: .relaxed) == 1)
    }

    @Test func rejectionLeadsToExactlyOneNewFetch() async throws {
        let counter = CountingFetch()
        let provider = TokenProvider(refreshSkew: .seconds(30)) { await counter.fetch() }
        let first = try await provider.token()
        // Many requests see a 401 with the same token at once.
        let sentAt = ContinuousClock.now
        for _ in 0..<20 { provider.rejected(first, sentAt: sentAt) }
        let renewed = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await provider.token().value.value } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(renewed == ["token-2"])
        #expect(counter.calls.load(ordering: .relaxed) == 2)
    }
}
