/// What a PATCH of a sub-product produced.
public enum PatchResult: Sendable, Hashable {
    /// A synchronous backend applied the change (200): the updated sub-product.
    case completed(JSONValue)
    /// An asynchronous backend accepted the change (202): follow it with `awaitMonitor`.
    case accepted(Monitor)
}
