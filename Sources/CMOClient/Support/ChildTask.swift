/// Runs a call in a child task: `async let result = ChildTask.result { ... }`.
///
/// A Swift task keeps the memory its deepest call needed until it ends. A change's task lives as long as the
/// change, monitor waits included, while a request's frames (the HTTP client's are deep) are needed only while it
/// runs: in a child task they are freed when the request ends, so a thousand changes waiting on monitors do not
/// each keep a request's worth of frames.
package enum ChildTask {
    /// The call's value or its error, as a `Result` (an `async let` of a typed-throwing call loses the type).
    package static func result<T: Sendable>(_ call: () async throws(CMOError) -> T) async -> Result<T, CMOError> {
        do {
            return .success(try await call())
        } catch {
            return .failure(error)
        }
    }
}
