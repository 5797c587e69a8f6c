import CMOSchedule
import Foundation
import Logging
import PostgresNIO

/// Schedule replicas on PostgreSQL: every fire is decided in a transaction that first locks the job's row
/// (`SELECT ... FOR UPDATE`) and only then, in separate statements, reads the job's fires and writes the
/// decision. Under READ COMMITTED each statement after the lock sees what the previous holder committed; one
/// statement holding the lock in a CTE would read a snapshot taken before its lock wait. No advisory locks (they
/// do not survive connection poolers). Staleness is judged by the server's clock, so replicas' clocks may differ.
extension PostgresJournal: ScheduleFireJournal {
    public func claimFire(schedule: String, _ request: FireClaimRequest) async throws(JournalError) -> FireClaimResult {
        let logger = self.logger
        return try await transaction("claim a fire") { connection in
            let view = try await Self.lockedView(
                connection, schedule: schedule, job: request.job.name, fireTime: request.fireTime, logger: logger)
            let plan = SharedFireRules.claim(request, view: view, runID: RunEntry.makeID())
            if let row = plan.insert {
                try await connection.query("""
                    INSERT INTO schedule_fire (schedule, job, fire_at, decision, run_id, replica, heartbeat_at, ended_at)
                    VALUES (\(schedule), \(request.job.name), \(row.fireTime), \(row.decision.rawValue), \(row.runID),
                        \(row.replica), CASE WHEN \(row.decision == .started) THEN clock_timestamp() END,
                        CASE WHEN \(row.ended) THEN clock_timestamp() END)
                    """, logger: logger)
            }
            try await Self.drop(plan.drop, connection, schedule: schedule, job: request.job.name, logger: logger)
            if case .refused = plan.claim {} else {
                try await Self.write(plan.record, connection, schedule: schedule, definition: request.definitionHash, logger: logger)
            }
            return FireClaimResult(claim: plan.claim, record: plan.record)
        }
    }

    public func endFire(schedule: String, _ request: FireEndRequest) async throws(JournalError) -> FireEndResult {
        let logger = self.logger
        return try await transaction("end a fire") { connection in
            let view = try await Self.lockedView(
                connection, schedule: schedule, job: request.job.name, fireTime: request.fireTime, logger: logger)
            // Still this replica's? (Another replica takes over a fire whose heartbeat went stale.)
            var ours = false
            for try await _ in try await connection.query("""
                UPDATE schedule_fire SET ended_at = clock_timestamp()
                WHERE schedule = \(schedule) AND job = \(request.job.name) AND fire_at = \(request.fireTime)
                    AND replica = \(request.replica) AND ended_at IS NULL
                RETURNING fire_at
                """, logger: logger) {
                ours = true
            }
            guard ours else { return FireEndResult(followUp: .none, record: view.record) }
            let plan = SharedFireRules.end(request, view: view, runID: RunEntry.makeID())
            if let promote = plan.promote, case .startQueued(_, let runID) = plan.followUp {
                try await connection.query("""
                    UPDATE schedule_fire SET decision = 'started', run_id = \(runID), replica = \(request.replica),
                        heartbeat_at = clock_timestamp()
                    WHERE schedule = \(schedule) AND job = \(request.job.name) AND fire_at = \(promote)
                    """, logger: logger)
            }
            try await Self.drop(plan.drop, connection, schedule: schedule, job: request.job.name, logger: logger)
            try await Self.write(plan.record, connection, schedule: schedule, definition: nil, logger: logger)
            return FireEndResult(followUp: plan.followUp, record: plan.record)
        }
    }

    public func heartbeatFires(schedule: String, replica: String) async throws(JournalError) -> [FireKey] {
        try await rows("send a replica's heartbeat") { connection in
            try await connection.query("""
                UPDATE schedule_fire SET heartbeat_at = clock_timestamp()
                WHERE schedule = \(schedule) AND replica = \(replica) AND decision = 'started' AND ended_at IS NULL
                RETURNING job, fire_at
                """, logger: self.logger)
        } map: { row in
            let (job, fireTime) = try row.decode((String, Date).self)
            return FireKey(job: job, fireTime: fireTime)
        }
    }

    public func takeOverStaleFires(
        schedule: String, job: String, replica: String, definitionHash: String, staleAfter: Duration
    ) async throws(JournalError) -> [FireTakeover] {
        let logger = self.logger
        let stale = Double(staleAfter.components.seconds) + Double(staleAfter.components.attoseconds) / 1e18
        return try await transaction("take over stale fires") { connection in
            let view = try await Self.lockedView(connection, schedule: schedule, job: job, fireTime: nil, logger: logger)
            guard view.storedDefinition == nil || view.storedDefinition == definitionHash else { return [] }
            var candidates: [(Date, String?)] = []
            for try await (fireTime, runID) in try await connection.query("""
                SELECT fire_at, run_id FROM schedule_fire
                WHERE schedule = \(schedule) AND job = \(job) AND decision = 'started' AND ended_at IS NULL
                    AND heartbeat_at < clock_timestamp() - make_interval(secs => \(stale))
                ORDER BY fire_at
                """, logger: logger).decode((Date, String?).self) {
                candidates.append((fireTime, runID))
            }
            var taken: [FireTakeover] = []
            for (fireTime, oldRun) in candidates {
                var begun = false
                if let oldRun {
                    for try await _ in try await connection.query("SELECT 1 FROM run WHERE id = \(oldRun)", logger: logger) {
                        begun = true
                    }
                }
                let runID = RunEntry.makeID()
                try await connection.query("""
                    UPDATE schedule_fire SET replica = \(replica), run_id = \(runID), heartbeat_at = clock_timestamp()
                    WHERE schedule = \(schedule) AND job = \(job) AND fire_at = \(fireTime)
                    """, logger: logger)
                taken.append(FireTakeover(fireTime: fireTime, runID: runID, resuming: begun ? oldRun : nil))
            }
            return taken
        }
    }

    public func registerDefinition(
        schedule: String, job: String, definitionHash: String
    ) async throws(JournalError) -> String? {
        let logger = self.logger
        return try await transaction("register a job's definition") { connection in
            let view = try await Self.lockedView(connection, schedule: schedule, job: job, fireTime: nil, logger: logger)
            try await connection.query(
                "UPDATE schedule_job SET definition_hash = \(definitionHash) WHERE schedule = \(schedule) AND name = \(job)",
                logger: logger)
            return view.storedDefinition.flatMap { $0 == definitionHash ? nil : $0 }
        }
    }

    public func advanceScheduledThrough(schedule: String, job: String, to date: Date) async throws(JournalError) {
        _ = try await rows("save a job's record") { connection in
            try await connection.query("""
                INSERT INTO schedule_job (schedule, name, scheduled_through) VALUES (\(schedule), \(job), \(date))
                ON CONFLICT (schedule, name) DO UPDATE
                    SET scheduled_through = greatest(schedule_job.scheduled_through, excluded.scheduled_through)
                """, logger: self.logger)
        } map: { _ in () }
    }

    public func resumeJob(schedule: String, job: String) async throws(JournalError) -> Bool {
        try await rows("resume a job") { connection in
            try await connection.query("""
                UPDATE schedule_job SET paused = false, consecutive_failures = 0
                WHERE schedule = \(schedule) AND name = \(job) AND paused
                RETURNING name
                """, logger: self.logger)
        } map: { _ in () }.count == 1
    }

    public func fires(schedule: String, job: String) async throws(JournalError) -> [FireRow] {
        try await rows("read a job's fires") { connection in
            try await connection.query("""
                SELECT fire_at, decision, run_id, replica, ended_at IS NOT NULL FROM schedule_fire
                WHERE schedule = \(schedule) AND job = \(job) ORDER BY fire_at
                """, logger: self.logger)
        } map: { row in
            let (fireTime, decision, runID, replica, ended) = try row.decode((Date, String, String?, String, Bool).self)
            return FireRow(
                fireTime: fireTime, decision: FireRow.Decision(rawValue: decision) ?? .skipped, runID: runID,
                replica: replica, ended: ended)
        }
    }
}
