import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension ChangeEntry {
    /// The columns a change is written with, in the order of ``arguments``.
    static let columns = [
        "run_id", "root_id", "key", "product_id", "iccid", "ops", "from_status", "to_status", "async", "state",
        "intent_at", "sent_at", "http_status", "monitor_id", "error", "correlation_id", "ended_at",
    ]
    static let insertSQL =
        "INSERT INTO change (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    static let updateSQL =
        "UPDATE change SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// The values of ``columns``. Written by hand (not through `Codable`): the journal writes two or three rows per
    /// change on the hot path, and dates are formatted without a `DateFormatter`.
    var arguments: StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            runID, rootID, key, productID, iccid, ops, fromStatus, toStatus, async, state.rawValue,
            JournalDate.text(intentAt), sentAt.map(JournalDate.text), httpStatus, monitorID, error, correlationID,
            endedAt.map(JournalDate.text),
        ]
        return StatementArguments(values)
    }

    /// Inserts this change with a cached statement; returns its row id.
    func insertFast(_ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: Self.insertSQL).execute(arguments: arguments)
        return db.lastInsertedRowID
    }

    /// Rewrites the row `id` with a cached statement.
    func updateFast(_ db: Database) throws {
        guard let id else { return }
        var arguments = arguments
        arguments += [id]
        try db.cachedStatement(sql: Self.updateSQL).execute(arguments: arguments)
    }
}

/// Dates as GRDB stores them (`2026-11-27 16:15:26.826`, UTC), formatted with `gmtime_r` instead of ICU.
enum JournalDate {
    static func text(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var millis = Int(((interval - Double(seconds)) * 1000).rounded())
        if millis == 1000 {
            seconds += 1
            millis = 0
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))"
    }
}

/// JSON columns as text, keys sorted.
enum JournalJSON {
    static func text<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
