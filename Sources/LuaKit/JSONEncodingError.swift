/// A value with no JSON form: NaN or infinity, a string that is not UTF-8, or a table with no JSON shape.
public struct JSONEncodingError: Error, Sendable, CustomStringConvertible, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
