import Synchronization

/// One try of a journal statement, bounded in time: ``run(within:_:)`` gives up on a body that has not ended (and
/// cancels it) rather than wait on it for ever.
enum PostgresAttempt {
    /// The body did not end in time.
    struct TimedOut: Error {
        let limit: Duration
    }

    /// Runs `body` on a task of its own; throws ``TimedOut`` once `limit` has passed, cancelling that task without
    /// waiting for it (a body stuck in a call that ignores cancellation is left behind). The caller's cancellation
    /// cancels the body.
    static func run<T: Sendable>(
        within limit: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                race.start(continuation, limit: limit, body)
                if Task.isCancelled { race.cancelWork() }
            }
        } onCancel: {
            race.cancelWork()
        }
    }

    /// The body's task against a timer's: the first to end resumes the continuation.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var work: Task<Void, Never>?
        }

        private let state = Mutex(State())

        func start(
            _ continuation: CheckedContinuation<T, any Error>, limit: Duration,
            _ body: @escaping @Sendable () async throws -> T
        ) {
            state.withLock { $0.continuation = continuation }
            let timer = Task {
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled, self.finish(.failure(TimedOut(limit: limit))) else { return }
                self.cancelWork()
            }
            let work = Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                if self.finish(result) { timer.cancel() }
            }
            state.withLock { $0.work = work }
        }

        func cancelWork() {
            state.withLock { $0.work }?.cancel()
        }

        /// Resumes the continuation with `result` unless it was resumed already; whether this call did.
        private func finish(_ result: Result<T, any Error>) -> Bool {
            guard let continuation = state.withLock({ $0.continuation.take() }) else { return false }
            continuation.resume(with: result)
            return true
        }
    }
}
