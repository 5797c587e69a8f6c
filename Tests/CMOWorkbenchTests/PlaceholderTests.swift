import Testing
@testable import CMOWorkbench
