/// A wall-clock minute on the proleptic Gregorian calendar, with conversions to and from
/// "wall seconds": seconds since 1970-01-01 00:00 as if the wall clock were UTC.
///
/// Keeping wall-time arithmetic in plain integers makes the cron search independent of
/// `Calendar` and of the time zone; the zone is only consulted for offsets and transitions.
struct CivilTime: Sendable, Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int

    /// The civil time of `wallSeconds`, truncated to the minute.
    init(wallSeconds: Int) {
        let days = wallSeconds.floorDivided(by: 86_400)
        let secondOfDay = wallSeconds - days * 86_400
        (year, month, day) = Self.civilDate(fromDays: days)
        hour = secondOfDay / 3_600
        minute = (secondOfDay % 3_600) / 60
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        (self.year, self.month, self.day, self.hour, self.minute) = (year, month, day, hour, minute)
    }

    /// Wall seconds of this minute.
    var wallSeconds: Int {
        Self.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60
    }

    /// Day of the week, 0 = Sunday.
    var weekday: Int {
        // 1970-01-01 was a Thursday.
        (Self.days(year: year, month: month, day: day) + 4).floorModulo(7)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Int {
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    func floorModulo(_ divisor: Int) -> Int {
        self - floorDivided(by: divisor) * divisor
    }
}
