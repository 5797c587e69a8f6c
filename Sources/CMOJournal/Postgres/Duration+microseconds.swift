extension Duration {
    /// The duration in whole microseconds, rounded down (for `n * interval '1 microsecond'` in SQL).
    var wholeMicroseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}
