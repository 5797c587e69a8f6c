import ArgumentParser
import CMOEngine

extension ExitCode {
    /// The argument-parser exit that ends `cmo` with `code` (thrown by a command after it printed why).
    init(_ code: CMOExitCode) {
        self.init(code.rawValue)
    }
}
