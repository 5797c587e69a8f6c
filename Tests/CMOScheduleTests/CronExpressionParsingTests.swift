import Testing
@testable import CMOSchedule

@Suite("Cron expression parsing")
struct CronExpressionParsingTests {
    private func members(_ set: CronValueSet, in range: ClosedRange<Int>) -> [Int] {
        range.filter(set.contains)
    }

    @Test func wildcardMatchesEveryValue() throws {
        let cron = try CronExpression("* * * * *")
        #expect(members(cron.minutes, in: 0...63) == Array(0...59))
        #expect(members(cron.hours, in: 0...63) == Array(0...23))
        #expect(members(cron.daysOfMonth, in: 0...63) == Array(1...31))
        #expect(members(cron.months, in: 0...63) == Array(1...12))
        #expect(members(cron.daysOfWeek, in: 0...63) == Array(0...6))
        #expect(cron.followsElapsedTime)
    }

    @Test func listsRangesAndSteps() throws {
        let cron = try CronExpression("1,5,9 1-5 */10 1-12/5 *")
        #expect(members(cron.minutes, in: 0...59) == [1, 5, 9])
        #expect(members(cron.hours, in: 0...23) == [1, 2, 3, 4, 5])
        #expect(members(cron.daysOfMonth, in: 1...31) == [1, 11, 21, 31])
        #expect(members(cron.months, in: 1...12) == [1, 6, 11])
        #expect(!cron.followsElapsedTime)
    }

    @Test func rangeStepWithinAField() throws {
        let cron = try CronExpression("10-50/10 * * * *")
        #expect(members(cron.minutes, in: 0...59) == [10, 20, 30, 40, 50])
    }

    @Test func singleValueWithStepRunsToTheMaximum() throws {
        let cron = try CronExpression("5/15 20/2 * * *")
        #expect(members(cron.minutes, in: 0...59) == [5, 20, 35, 50])
        #expect(members(cron.hours, in: 0...23) == [20, 22])
    }

    @Test func monthAndWeekdayNamesInAnyCase() throws {
        let cron = try CronExpression("0 0 * jan,Mar-may mon-FRI")
        #expect(members(cron.months, in: 1...12) == [1, 3, 4, 5])
        #expect(members(cron.daysOfWeek, in: 0...6) == [1, 2, 3, 4, 5])
    }

    @Test func sevenIsSunday() throws {
        #expect(members(try CronExpression("0 0 * * 7").daysOfWeek, in: 0...7) == [0])
        #expect(members(try CronExpression("0 0 * * 5-7").daysOfWeek, in: 0...7) == [0, 5, 6])
        #expect(members(try CronExpression("0 0 * * FRI-7").daysOfWeek, in: 0...7) == [0, 5, 6])
    }

    @Test func mixedListOfRangesAndSteps() throws {
        let cron = try CronExpression("0-4,30-59/15,7 * * * *")
        #expect(members(cron.minutes, in: 0...59) == [0, 1, 2, 3, 4, 7, 30, 45])
    }

    @Test(arguments: [
        ("@hourly", "0 * * * *"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"),
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@DAILY", "0 0 * * *"),
    ])
    func macrosExpand(macro: String, expansion: String) throws {
        let cron = try CronExpression(macro)
        let expanded = try CronExpression(expansion)
        #expect(cron.minutes == expanded.minutes)
        #expect(cron.hours == expanded.hours)
        #expect(cron.daysOfMonth == expanded.daysOfMonth)
        #expect(cron.months == expanded.months)
        #expect(cron.daysOfWeek == expanded.daysOfWeek)
        #expect(cron.description == macro)
    }

    @Test func descriptionKeepsTheOriginalText() throws {
        #expect(try CronExpression("  */15  9-17 * * MON-FRI ").description == "*/15  9-17 * * MON-FRI")
    }

    @Test(arguments: [
        ("* * * *", "expected 5 fields, got 4"),
        ("* * * * * *", "expected 5 fields, got 6"),
        ("", "expected 5 fields, got 0"),
        ("@every", "unknown macro '@every'"),
        ("61 * * * *", "minute: 61 is out of range 0-59"),
        ("-1 * * * *", "minute: -1 is out of range 0-59"),
        ("* 24 * * *", "hour: 24 is out of range 0-23"),
        ("* * 0 * *", "day of month: 0 is out of range 1-31"),
        ("* * 32 * *", "day of month: 32 is out of range 1-31"),
        ("* * * 13 *", "month: 13 is out of range 1-12"),
        ("* * * * 8", "day of week: 8 is out of range 0-7"),
        ("* * * * FUNDAY", "day of week: unknown name 'FUNDAY'"),
        ("* * * Janu *", "month: unknown name 'Janu'"),
        ("abc * * * *", "minute: 'abc' is not a number"),
        ("* MON * * *", "hour: 'MON' is not a number"),
        ("* */0 * * *", "hour: step must be positive"),
        ("* */-2 * * *", "hour: step must be positive"),
        ("*/x * * * *", "minute: step 'x' is not a number"),
        ("30-10 * * * *", "minute: range 30-10 has its start after its end"),
        ("* * * * FRI-MON", "day of week: range FRI-MON has its start after its end"),
        ("1,,2 * * * *", "minute: empty list item"),
        ("1-60 * * * *", "minute: 60 is out of range 0-59"),
    ])
    func errorMessages(text: String, message: String) {
        do {
            _ = try CronExpression(text)
            Issue.record("expected '\(text)' to be rejected")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func errorNamesItsField() {
        do {
            _ = try CronExpression("* * * 13 *")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == .month)
        }
    }
}
