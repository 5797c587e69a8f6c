/// Why a cron expression could not be parsed; `description` names the field and the problem,
/// e.g. `minute: 61 is out of range 0-59`.
public struct CronExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case fieldCount(Int)
        case unknownMacro(String)
        case outOfRange(Int)
        case unknownName(String)
        case notANumber(String)
        case stepNotANumber(String)
        case nonPositiveStep
        case backwardsRange(String)
        case emptyItem
    }

    private let code: Code

    /// The field the problem is in, or nil for problems with the expression as a whole.
    public let field: CronField?

    private init(_ code: Code, field: CronField? = nil) {
        self.code = code
        self.field = field
    }

    static func fieldCount(_ count: Int) -> Self { .init(.fieldCount(count)) }
    static func unknownMacro(_ macro: String) -> Self { .init(.unknownMacro(macro)) }
    static func outOfRange(_ value: Int, in field: CronField) -> Self { .init(.outOfRange(value), field: field) }
    static func unknownName(_ name: String, in field: CronField) -> Self { .init(.unknownName(name), field: field) }
    static func notANumber(_ text: String, in field: CronField) -> Self { .init(.notANumber(text), field: field) }
    static func stepNotANumber(_ text: String, in field: CronField) -> Self { .init(.stepNotANumber(text), field: field) }
    static func nonPositiveStep(in field: CronField) -> Self { .init(.nonPositiveStep, field: field) }
    static func backwardsRange(_ text: String, in field: CronField) -> Self {
        .init(.backwardsRange(text), field: field)
    }
    static func emptyItem(in field: CronField) -> Self { .init(.emptyItem, field: field) }

    public var description: String {
        let problem: String
        switch code {
        case .fieldCount(let count): problem = "expected 5 fields, got \(count)"
        case .unknownMacro(let macro): problem = "unknown macro '\(macro)'"
        case .outOfRange(let value):
            let range = field?.range ?? 0...0
            problem = "\(value) is out of range \(range.lowerBound)-\(range.upperBound)"
        case .unknownName(let name): problem = "unknown name '\(name)'"
        case .notANumber(let text): problem = "'\(text)' is not a number"
        case .stepNotANumber(let text): problem = "step '\(text)' is not a number"
        case .nonPositiveStep: problem = "step must be positive"
        case .backwardsRange(let text): problem = "range \(text) has its start after its end"
        case .emptyItem: problem = "empty list item"
        }
        guard let field else { return problem }
        return "\(field): \(problem)"
    }
}
