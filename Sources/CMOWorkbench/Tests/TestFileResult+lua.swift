import LuaKit

extension TestFileResult {
    /// Reads the table `cmo.test`'s `run` reports: `{ tests = { {name, status, message, where, seconds}... },
    /// error, where }`.
    mutating func read(report: LuaValue) {
        if let error = report["error"].stringValue {
            self.error = error
            errorLocation = report["where"].stringValue
        }
        guard case .array(let tests) = report["tests"] else { return }
        for test in tests {
            let status = test["status"].stringValue.flatMap(TestCaseResult.Status.init(rawValue:)) ?? .failed
            let seconds: Double =
                switch test["seconds"] {
                case .number(let value): value
                case .integer(let value): Double(value)
                default: 0
                }
            cases.append(
                TestCaseResult(
                    name: test["name"].stringValue ?? "?", status: status, message: test["message"].stringValue,
                    location: test["where"].stringValue, seconds: seconds))
        }
    }
}
