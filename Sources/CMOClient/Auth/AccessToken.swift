import Foundation

/// An access token from the token endpoint.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    /// The bearer token; its description is redacted.
    public var value: Secret
    /// The lifetime the server gave (`expires_in`).
    public var lifetime: Duration
    /// When it was received, on the monotonic clock.
    public var receivedAt: ContinuousClock.Instant
    /// When it expires, on the wall clock (for display).
    public var expiresAtDate: Date

    public init(value: Secret, lifetime: Duration, receivedAt: ContinuousClock.Instant, expiresAtDate: Date) {
        self.value = value
        self.lifetime = lifetime
        self.receivedAt = receivedAt
        self.expiresAtDate = expiresAtDate
    }

    /// When it expires, on the monotonic clock.
    public var expiresAt: ContinuousClock.Instant { receivedAt + lifetime }

    public var description: String { "AccessToken(expires in \(lifetime.secondsDescription), value: <redacted>)" }
}
