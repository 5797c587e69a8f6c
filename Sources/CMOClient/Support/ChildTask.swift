/// Runs a call in a task of its own and waits for it: `try await ChildTask.run { ... }.get()`.
///
/// A Swift task keeps the memory its deepest call needed until it ends (its allocator keeps its slabs). A change's
/// task lives as long as the change, monitor waits included, while a request's frames (the HTTP client's are deep)
/// are needed only while it runs. In a task of its own, they are freed when the request ends. The task is an
/// unstructured one that the waiting task cancels with itself: an `async let` would place the child in the
/// parent's allocator, so its frames would count against the parent after all.
package enum ChildTask {
    /// The call's value or its error, as a `Result`; cancelling the waiting task cancels the call.
    package static func run<T: Sendable>(
        _ call: @escaping @Sendable () async throws(CMOError) -> T
    ) async -> Result<T, CMOError> {
        let task = Task { () async -> Result<T, CMOError> in
            do throws(CMOError) {
                return .success(try await call())
            } catch {
                return .failure(error)
            }
        }
        return await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
