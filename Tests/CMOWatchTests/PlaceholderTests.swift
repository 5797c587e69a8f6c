import Testing
@testable import CMOWatch
