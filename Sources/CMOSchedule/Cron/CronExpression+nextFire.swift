import Foundation

extension CronExpression {
    /// How far ahead ``nextFire(after:in:)`` looks before deciding an expression never fires
    /// (`0 0 30 2 *`): eight years, which covers every leap-day and weekday combination.
    static let searchLimitSeconds = 8 * 366 * 86_400

    /// The first fire instant strictly after `date`, matching the expression on the wall clock of
    /// `timeZone`, or nil when the expression never matches within eight years.
    ///
    /// Daylight-saving rules:
    /// - A wall time skipped by a spring-forward gap (02:30 on the day clocks jump from 02:00 to
    ///   03:00) fires once, at the first instant after the gap (03:00 in the new offset).
    /// - A wall time repeated by a fall-back (01:30 twice) fires once, at its first occurrence.
    /// - Exception: expressions whose hour field starts with `*` (`*/15 * * * *`, `@hourly`) are
    ///   about elapsed time, so they fire in both copies of a repeated hour, and wall times inside
    ///   a gap simply do not occur for them (no extra fire at the end of the gap).
    ///
    /// The search walks the zone's offset segments (between daylight-saving transitions) and,
    /// within each, skips field by field (month, day, hour, minute) rather than minute by minute.
    public func nextFire(after date: Date, in timeZone: TimeZone) -> Date? {
        // Candidate instants are whole seconds, so "strictly after date" is "after floor(date)".
        let after = Int(date.timeIntervalSince1970.rounded(.down))
        let limitWall = after + timeZone.secondsFromGMT(for: date) + Self.searchLimitSeconds
        // Start a day early so the segment holding `date` is entered with its previous offset known.
        var segmentStart = after - 86_400
        var previousOffset: Int?
        while true {
            let startDate = Date(timeIntervalSince1970: Double(segmentStart))
            let offset = timeZone.secondsFromGMT(for: startDate)
            var transition = timeZone.nextDaylightSavingTimeTransition(after: startDate)
                .map { Int($0.timeIntervalSince1970.rounded(.up)) }
            if let next = transition, next <= segmentStart { transition = nil }

            var lowerWall = segmentStart + offset
            if let previousOffset, previousOffset != offset, !followsElapsedTime {
                if offset > previousOffset {
                    // Spring forward: walls [start + previous, start + offset) never happen.
                    let gapStart = (segmentStart + previousOffset).roundedUpToMinute
                    if segmentStart > after, firstMatch(fromWall: gapStart, before: segmentStart + offset) != nil {
                        return Date(timeIntervalSince1970: Double(segmentStart))
                    }
                } else {
                    // Fall back: walls [start + offset, start + previous) already happened once.
                    lowerWall = segmentStart + previousOffset
                }
            }
            lowerWall = max(lowerWall, (after + offset).roundedDownToMinute + 60).roundedUpToMinute
            let upperWall = min(transition.map { $0 + offset } ?? limitWall, limitWall)
            if lowerWall < upperWall, let wall = firstMatch(fromWall: lowerWall, before: upperWall) {
                return Date(timeIntervalSince1970: Double(wall - offset))
            }
            guard let next = transition, next + offset < limitWall else { return nil }
            previousOffset = offset
            segmentStart = next
        }
    }

    /// Up to `count` consecutive fire instants after `date` (fewer when the expression stops matching).
    public func nextFires(after date: Date, in timeZone: TimeZone, count: Int) -> [Date] {
        var fires: [Date] = []
        var cursor = date
        while fires.count < count, let fire = nextFire(after: cursor, in: timeZone) {
            fires.append(fire)
            cursor = fire
        }
        return fires
    }

    /// The first matching wall minute in `[lower, upper)`, skipping whole months, days and hours
    /// that cannot match.
    func firstMatch(fromWall lower: Int, before upper: Int) -> Int? {
        var time = CivilTime(wallSeconds: lower)
        while time.wallSeconds < upper {
            guard months.contains(time.month),
                time.day <= CivilTime.daysInMonth(year: time.year, month: time.month)
            else {
                advanceToNextMonth(&time)
                continue
            }
            guard dayMatches(time), let hour = hours.first(atLeast: time.hour) else {
                advanceToNextDay(&time)
                continue
            }
            if hour != time.hour {
                time.hour = hour
                time.minute = 0
            }
            guard let minute = minutes.first(atLeast: time.minute) else {
                time.hour += 1
                time.minute = 0
                if time.hour == 24 { advanceToNextDay(&time) }
                continue
            }
            time.minute = minute
            let wall = time.wallSeconds
            return wall < upper ? wall : nil
        }
        return nil
    }

    /// The Vixie rule: when both day fields are restricted, either may match.
    private func dayMatches(_ time: CivilTime) -> Bool {
        let byMonthDay = daysOfMonth.contains(time.day)
        let byWeekday = daysOfWeek.contains(time.weekday)
        if daysOfMonth.isWildcard || daysOfWeek.isWildcard {
            return byMonthDay && byWeekday
        }
        return byMonthDay || byWeekday
    }

    private func advanceToNextDay(_ time: inout CivilTime) {
        time = CivilTime(year: time.year, month: time.month, day: time.day + 1, hour: 0, minute: 0)
    }

    private func advanceToNextMonth(_ time: inout CivilTime) {
        if let month = months.first(atLeast: time.month + 1), month <= 12 {
            time = CivilTime(year: time.year, month: month, day: 1, hour: 0, minute: 0)
        } else {
            time = CivilTime(year: time.year + 1, month: months.first(atLeast: 1) ?? 1, day: 1, hour: 0, minute: 0)
        }
    }
}

extension Int {
    fileprivate var roundedDownToMinute: Int { floorDivided(by: 60) * 60 }
    fileprivate var roundedUpToMinute: Int { -((-self).floorDivided(by: 60) * 60) }
}
