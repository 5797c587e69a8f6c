import Foundation
import PostgresNIO

/// Reading the journal's rows from PostgreSQL: runs, changes and run tallies, by column name.
enum PostgresRows {
    static let runColumns = """
        id, root_id, resumed_from, script_path, script_hash, vars, inputs, dry_run, job, started_at, ended_at, \
        exit_code, stop_reason, counts, pid
        """
    static let changeColumns = """
        id, run_id, root_id, key, product_id, iccid, ops, from_status, to_status, async, state, intent_at, sent_at, \
        http_status, monitor_id, error, correlation_id, ended_at
        """
    static let tallyColumns = """
        seq, id, job, started_at, ended_at, exit_code, counts, api_requests, api_retries, api_rate_limited, \
        api_token_fetches
        """

    static func run(_ row: PostgresRow) throws -> RunEntry {
        let cells = row.makeRandomAccess()
        let decoder = JSONDecoder()
        var run = RunEntry(
            id: try cells["id"].decode(String.self), rootID: try cells["root_id"].decode(String.self),
            resumedFrom: try cells["resumed_from"].decode(String?.self),
            scriptPath: try cells["script_path"].decode(String.self), scriptHash: try cells["script_hash"].decode(String.self),
            vars: try decoder.decode([String: String].self, from: Data(try cells["vars"].decode(String.self).utf8)),
            inputs: try decoder.decode([String: RunEntry.InputFile].self, from: Data(try cells["inputs"].decode(String.self).utf8)),
            dryRun: try cells["dry_run"].decode(Bool.self), job: try cells["job"].decode(String?.self),
            startedAt: try cells["started_at"].decode(Date.self), pid: try cells["pid"].decode(Int32.self))
        run.endedAt = try cells["ended_at"].decode(Date?.self)
        run.exitCode = try cells["exit_code"].decode(Int32?.self)
        run.stopReason = try cells["stop_reason"].decode(String?.self)
        run.counts = try decoder.decode([String: Int].self, from: Data(try cells["counts"].decode(String.self).utf8))
        return run
    }

    static func change(_ row: PostgresRow) throws -> ChangeEntry {
        let cells = row.makeRandomAccess()
        let stateText = try cells["state"].decode(String.self)
        guard let state = ChangeEntry.State(rawValue: stateText) else {
            throw JournalError(.storage, "a change row has the unknown state '\(stateText)'")
        }
        var change = ChangeEntry(
            runID: try cells["run_id"].decode(String.self), rootID: try cells["root_id"].decode(String.self),
            key: try cells["key"].decode(String.self), productID: try cells["product_id"].decode(String.self),
            iccid: try cells["iccid"].decode(String?.self), ops: try cells["ops"].decode(String.self),
            fromStatus: try cells["from_status"].decode(String?.self), toStatus: try cells["to_status"].decode(String?.self),
            async: try cells["async"].decode(Bool.self), state: state, intentAt: try cells["intent_at"].decode(Date.self))
        change.id = try cells["id"].decode(Int64.self)
        change.sentAt = try cells["sent_at"].decode(Date?.self)
        change.httpStatus = try cells["http_status"].decode(Int?.self)
        change.monitorID = try cells["monitor_id"].decode(String?.self)
        change.error = try cells["error"].decode(String?.self)
        change.correlationID = try cells["correlation_id"].decode(String?.self)
        change.endedAt = try cells["ended_at"].decode(Date?.self)
        return change
    }

    static func tally(_ row: PostgresRow, decoder: JSONDecoder) throws -> RunTally {
        let cells = row.makeRandomAccess()
        let counts = (try? decoder.decode([String: Int].self, from: Data(try cells["counts"].decode(String.self).utf8))) ?? [:]
        var api: RunAPICounts?
        if let requests = try cells["api_requests"].decode(Int?.self) {
            api = RunAPICounts(
                requests: requests, retries: try cells["api_retries"].decode(Int?.self) ?? 0,
                rateLimited: try cells["api_rate_limited"].decode(Int?.self) ?? 0,
                tokenFetches: try cells["api_token_fetches"].decode(Int?.self) ?? 0)
        }
        return RunTally(
            rowID: try cells["seq"].decode(Int64.self), id: try cells["id"].decode(String.self),
            job: try cells["job"].decode(String?.self), startedAt: try cells["started_at"].decode(Date.self),
            endedAt: try cells["ended_at"].decode(Date?.self), exitCode: try cells["exit_code"].decode(Int32?.self),
            counts: counts, api: api)
    }
}
