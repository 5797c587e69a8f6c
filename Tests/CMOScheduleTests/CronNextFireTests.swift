import Foundation
import Testing
@testable import CMOSchedule

@Suite("Cron next fire times")
struct CronNextFireTests {
    private func fires(_ expression: String, after start: String, zone identifier: String = "UTC", count: Int = 5) throws -> [String] {
        let cron = try CronExpression(expression)
        return cron.nextFires(after: instant(start), in: zone(identifier), count: count).map { wall($0, identifier) }
    }

    @Test func everyFifteenMinutesIsStrictlyAfter() throws {
        #expect(try fires("*/15 * * * *", after: "2024-05-01T10:15:00Z", count: 3) == [
            "2024-05-01 10:30 +00:00", "2024-05-01 10:45 +00:00", "2024-05-01 11:00 +00:00",
        ])
        let cron = try CronExpression("*/15 * * * *")
        let next = cron.nextFire(after: instant("2024-05-01T10:14:59Z").addingTimeInterval(0.5), in: zone("UTC"))
        #expect(next == instant("2024-05-01T10:15:00Z"))
    }

    @Test func rollsOverMonthAndYear() throws {
        #expect(try fires("0 0 1 * *", after: "2024-12-15T00:00:00Z", count: 2) == [
            "2025-01-01 00:00 +00:00", "2025-02-01 00:00 +00:00",
        ])
        #expect(try fires("30 23 31 * *", after: "2024-04-01T00:00:00Z", count: 3) == [
            "2024-05-31 23:30 +00:00", "2024-07-31 23:30 +00:00", "2024-08-31 23:30 +00:00",
        ])
    }

    @Test func leapDayFiresEveryFourYears() throws {
        #expect(try fires("0 0 29 2 *", after: "2024-03-01T00:00:00Z", count: 3) == [
            "2028-02-29 00:00 +00:00", "2032-02-29 00:00 +00:00", "2036-02-29 00:00 +00:00",
        ])
    }

    @Test func impossibleExpressionNeverFires() throws {
        let cron = try CronExpression("0 0 30 2 *")
        #expect(cron.nextFire(after: instant("2024-01-01T00:00:00Z"), in: zone("UTC")) == nil)
        #expect(cron.nextFire(after: instant("2024-01-01T00:00:00Z"), in: zone("Europe/Berlin")) == nil)
        #expect(cron.nextFires(after: instant("2024-01-01T00:00:00Z"), in: zone("UTC"), count: 5).isEmpty)
    }

    @Test func vixieRuleEitherDayFieldMatches() throws {
        // 2024-06-01 is a Saturday; Mondays are the 3rd, 10th, 17th.
        #expect(try fires("0 12 1,15 * MON", after: "2024-06-01T00:00:00Z", count: 4) == [
            "2024-06-01 12:00 +00:00", "2024-06-03 12:00 +00:00", "2024-06-10 12:00 +00:00",
            "2024-06-15 12:00 +00:00",
        ])
    }

    @Test func starredDayFieldMeansBothMustMatch() throws {
        // Day of week starts with `*`, so only the 1st and 15th count, whatever the weekday.
        #expect(try fires("0 12 1,15 * */1", after: "2024-06-01T00:00:00Z", count: 3) == [
            "2024-06-01 12:00 +00:00", "2024-06-15 12:00 +00:00", "2024-07-01 12:00 +00:00",
        ])
        // Day of month `*`: only Fridays.
        #expect(try fires("0 9 * * FRI", after: "2024-06-01T00:00:00Z", count: 2) == [
            "2024-06-07 09:00 +00:00", "2024-06-14 09:00 +00:00",
        ])
    }

    @Test func macros() throws {
        // 2024-06-05 is a Wednesday.
        #expect(try fires("@weekly", after: "2024-06-05T10:00:00Z", count: 2) == [
            "2024-06-09 00:00 +00:00", "2024-06-16 00:00 +00:00",
        ])
        #expect(try fires("@hourly", after: "2024-06-05T10:00:00Z", count: 2) == [
            "2024-06-05 11:00 +00:00", "2024-06-05 12:00 +00:00",
        ])
        #expect(try fires("@daily", after: "2024-06-05T10:00:00Z", count: 1) == ["2024-06-06 00:00 +00:00"])
        #expect(try fires("@monthly", after: "2024-06-05T10:00:00Z", count: 1) == ["2024-07-01 00:00 +00:00"])
        #expect(try fires("@yearly", after: "2024-06-05T10:00:00Z", count: 1) == ["2025-01-01 00:00 +00:00"])
    }

    @Test func weekdayRangeSkipsWeekends() throws {
        // 2024-06-07 is a Friday.
        #expect(try fires("0 9 * * MON-FRI", after: "2024-06-07T09:00:00Z", count: 2) == [
            "2024-06-10 09:00 +00:00", "2024-06-11 09:00 +00:00",
        ])
    }

    // MARK: Daylight saving, Europe/Berlin (last Sunday of March 02:00 -> 03:00, October 03:00 -> 02:00)

    @Test func berlinSpringForwardSkippedTimeFiresOnceAtGapEnd() throws {
        #expect(try fires("30 2 * * *", after: "2024-03-29T12:00:00Z", zone: "Europe/Berlin", count: 4) == [
            "2024-03-30 02:30 +01:00", "2024-03-31 03:00 +02:00", "2024-04-01 02:30 +02:00",
            "2024-04-02 02:30 +02:00",
        ])
    }

    @Test func berlinSpringForwardWildcardHourSkipsTheGap() throws {
        #expect(try fires("*/30 * * * *", after: "2024-03-31T01:00:00+01:00", zone: "Europe/Berlin", count: 4) == [
            "2024-03-31 01:30 +01:00", "2024-03-31 03:00 +02:00", "2024-03-31 03:30 +02:00",
            "2024-03-31 04:00 +02:00",
        ])
        #expect(try fires("15 * * * *", after: "2024-03-31T01:00:00+01:00", zone: "Europe/Berlin", count: 2) == [
            "2024-03-31 01:15 +01:00", "2024-03-31 03:15 +02:00",
        ])
    }

    @Test func berlinFallBackFixedTimeFiresOnceAtFirstOccurrence() throws {
        #expect(try fires("30 2 * * *", after: "2024-10-26T12:00:00Z", zone: "Europe/Berlin", count: 3) == [
            "2024-10-27 02:30 +02:00", "2024-10-28 02:30 +01:00", "2024-10-29 02:30 +01:00",
        ])
        // Asked from inside the second copy of the hour, the repeat is not fired again.
        #expect(try fires("45 2 * * *", after: "2024-10-27T02:10:00+01:00", zone: "Europe/Berlin", count: 1) == [
            "2024-10-28 02:45 +01:00",
        ])
    }

    @Test func berlinFallBackWildcardHourFiresInBothCopies() throws {
        #expect(try fires("*/30 * * * *", after: "2024-10-27T01:45:00+02:00", zone: "Europe/Berlin", count: 6) == [
            "2024-10-27 02:00 +02:00", "2024-10-27 02:30 +02:00", "2024-10-27 02:00 +01:00",
            "2024-10-27 02:30 +01:00", "2024-10-27 03:00 +01:00", "2024-10-27 03:30 +01:00",
        ])
        // From the middle of the first copy, the second copy still follows.
        #expect(try fires("*/30 * * * *", after: "2024-10-27T02:40:00+02:00", zone: "Europe/Berlin", count: 2) == [
            "2024-10-27 02:00 +01:00", "2024-10-27 02:30 +01:00",
        ])
    }

    // MARK: Daylight saving, America/New_York (second Sunday of March, first Sunday of November)

    @Test func newYorkSpringForward() throws {
        #expect(try fires("30 2 * * *", after: "2024-03-09T12:00:00-05:00", zone: "America/New_York", count: 3) == [
            "2024-03-10 03:00 -04:00", "2024-03-11 02:30 -04:00", "2024-03-12 02:30 -04:00",
        ])
    }

    @Test func newYorkFallBack() throws {
        #expect(try fires("30 1 * * *", after: "2024-11-02T12:00:00-04:00", zone: "America/New_York", count: 2) == [
            "2024-11-03 01:30 -04:00", "2024-11-04 01:30 -05:00",
        ])
        #expect(try fires("*/30 * * * *", after: "2024-11-03T00:45:00-04:00", zone: "America/New_York", count: 5) == [
            "2024-11-03 01:00 -04:00", "2024-11-03 01:30 -04:00", "2024-11-03 01:00 -05:00",
            "2024-11-03 01:30 -05:00", "2024-11-03 02:00 -05:00",
        ])
    }

    // MARK: Zones far from UTC

    @Test func aucklandDailyAndItsDaylightSaving() throws {
        // NZ: clocks go 02:00 -> 03:00 on 2024-09-29 and 03:00 -> 02:00 on 2025-04-06.
        #expect(try fires("0 9 * * *", after: "2024-06-01T00:00:00+12:00", zone: "Pacific/Auckland", count: 2) == [
            "2024-06-01 09:00 +12:00", "2024-06-02 09:00 +12:00",
        ])
        #expect(try fires("30 2 * * *", after: "2024-09-28T12:00:00+12:00", zone: "Pacific/Auckland", count: 2) == [
            "2024-09-29 03:00 +13:00", "2024-09-30 02:30 +13:00",
        ])
        #expect(try fires("30 2 * * *", after: "2025-04-05T12:00:00+13:00", zone: "Pacific/Auckland", count: 2) == [
            "2025-04-06 02:30 +13:00", "2025-04-07 02:30 +12:00",
        ])
        // New Year in Auckland is still the previous day in UTC.
        let newYear = try CronExpression("@yearly").nextFire(after: instant("2024-06-01T00:00:00Z"), in: zone("Pacific/Auckland"))
        #expect(newYear == instant("2024-12-31T11:00:00Z"))
    }

    @Test func kolkataHalfHourOffset() throws {
        let cron = try CronExpression("0 9 * * *")
        #expect(cron.nextFire(after: instant("2024-06-01T00:00:00Z"), in: zone("Asia/Kolkata")) == instant("2024-06-01T03:30:00Z"))
        #expect(try fires("0 0 1 1 *", after: "2024-06-01T00:00:00Z", zone: "Asia/Kolkata", count: 1) == ["2025-01-01 00:00 +05:30"])
    }

    @Test func sparseExpressionIsFound() throws {
        // February the 13th, found across a year of non-matching months.
        #expect(try fires("0 0 13 FEB *", after: "2024-03-01T00:00:00Z", count: 1) == ["2025-02-13 00:00 +00:00"])
        let fridays = try CronExpression("0 0 13 2 5")
        // Vixie OR: the 13th or any Friday in February.
        #expect(fridays.nextFire(after: instant("2025-02-13T00:00:00Z"), in: zone("UTC")) == instant("2025-02-14T00:00:00Z"))
    }
}
