import HTTPTypes

extension HTTPField.Name {
    static let correlationID = HTTPField.Name("X-Correlation-Id")!
    static let rateLimitLimit = HTTPField.Name("X-Rate-Limit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("X-Rate-Limit-Remaining")!
    static let rateLimitReset = HTTPField.Name("X-Rate-Limit-Reset")!
}
