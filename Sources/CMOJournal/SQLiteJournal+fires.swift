import CMOSchedule
import Foundation
import GRDB

/// Schedule replicas on one machine: daemons sharing a SQLite journal decide each fire in an immediate
/// transaction (SQLite's write lock, taken before anything is read), with the same rules as PostgreSQL's.
extension SQLiteJournal: ScheduleFireJournal {
    public func claimFire(schedule: String, _ request: FireClaimRequest) async throws(JournalError) -> FireClaimResult {
        try await locked("claim a fire") { db in
            let now = Date()
            let view = try Self.lockedView(db, schedule: schedule, job: request.job.name, fireTime: request.fireTime)
            let plan = SharedFireRules.claim(request, view: view, runID: RunEntry.makeID())
            if let row = plan.insert {
                try db.execute(
                    sql: """
                        INSERT INTO schedule_fire (schedule, job, fire_at, decision, run_id, replica, decided_at, heartbeat_at, ended_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        schedule, request.job.name, row.fireTime, row.decision.rawValue, row.runID, row.replica, now,
                        row.decision == .started ? now : nil, row.ended ? now : nil,
                    ])
            }
            try Self.drop(plan.drop, db, schedule: schedule, job: request.job.name, at: now)
            if case .refused = plan.claim {} else {
                try Self.write(plan.record, db, schedule: schedule, definition: request.definitionHash)
            }
            return FireClaimResult(claim: plan.claim, record: plan.record)
        }
    }

    public func endFire(schedule: String, _ request: FireEndRequest) async throws(JournalError) -> FireEndResult {
        try await locked("end a fire") { db in
            let now = Date()
            let view = try Self.lockedView(db, schedule: schedule, job: request.job.name, fireTime: request.fireTime)
            try db.execute(
                sql: """
                    UPDATE schedule_fire SET ended_at = ?
                    WHERE schedule = ? AND job = ? AND fire_at = ? AND replica = ? AND ended_at IS NULL
                    """,
                arguments: [now, schedule, request.job.name, request.fireTime, request.replica])
            guard db.changesCount > 0 else { return FireEndResult(followUp: .none, record: view.record) }
            let plan = SharedFireRules.end(request, view: view, runID: RunEntry.makeID())
            if let promote = plan.promote, case .startQueued(_, let runID) = plan.followUp {
                try db.execute(
                    sql: """
                        UPDATE schedule_fire SET decision = 'started', run_id = ?, replica = ?, heartbeat_at = ?
                        WHERE schedule = ? AND job = ? AND fire_at = ?
                        """,
                    arguments: [runID, request.replica, now, schedule, request.job.name, promote])
            }
            try Self.drop(plan.drop, db, schedule: schedule, job: request.job.name, at: now)
            try Self.write(plan.record, db, schedule: schedule, definition: nil)
            return FireEndResult(followUp: plan.followUp, record: plan.record)
        }
    }

    public func heartbeatFires(schedule: String, replica: String) async throws(JournalError) -> [FireKey] {
        try await locked("send a replica's heartbeat") { db in
            try db.execute(
                sql: """
                    UPDATE schedule_fire SET heartbeat_at = ?
                    WHERE schedule = ? AND replica = ? AND decision = 'started' AND ended_at IS NULL
                    """,
                arguments: [Date(), schedule, replica])
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT job, fire_at FROM schedule_fire
                    WHERE schedule = ? AND replica = ? AND decision = 'started' AND ended_at IS NULL
                    """,
                arguments: [schedule, replica]
            ).map { FireKey(job: $0["job"], fireTime: $0["fire_at"]) }
        }
    }

    public func takeOverStaleFires(
        schedule: String, job: String, replica: String, definitionHash: String, staleAfter: Duration
    ) async throws(JournalError) -> [FireTakeover] {
        try await locked("take over stale fires") { db in
            let now = Date()
            let view = try Self.lockedView(db, schedule: schedule, job: job, fireTime: nil)
            guard view.storedDefinition == nil || view.storedDefinition == definitionHash else { return [] }
            let limit = now.addingTimeInterval(-(Double(staleAfter.components.seconds) + Double(staleAfter.components.attoseconds) / 1e18))
            let stale = try Row.fetchAll(
                db,
                sql: """
                    SELECT fire_at, run_id FROM schedule_fire
                    WHERE schedule = ? AND job = ? AND decision = 'started' AND ended_at IS NULL AND heartbeat_at < ?
                    ORDER BY fire_at
                    """,
                arguments: [schedule, job, limit])
            return try stale.map { row in
                let fireTime: Date = row["fire_at"]
                let oldRun: String? = row["run_id"]
                let begun = try oldRun.map { try Bool.fetchOne(db, sql: "SELECT 1 FROM run WHERE id = ?", arguments: [$0]) ?? false } ?? false
                let runID = RunEntry.makeID()
                try db.execute(
                    sql: "UPDATE schedule_fire SET replica = ?, run_id = ?, heartbeat_at = ? WHERE schedule = ? AND job = ? AND fire_at = ?",
                    arguments: [replica, runID, now, schedule, job, fireTime])
                return FireTakeover(fireTime: fireTime, runID: runID, resuming: begun ? oldRun : nil)
            }
        }
    }

    public func registerDefinition(schedule: String, job: String, definitionHash: String) async throws(JournalError) -> String? {
        try await locked("register a job's definition") { db in
            let view = try Self.lockedView(db, schedule: schedule, job: job, fireTime: nil)
            try db.execute(
                sql: "UPDATE schedule_job SET definition_hash = ? WHERE schedule = ? AND name = ?",
                arguments: [definitionHash, schedule, job])
            return view.storedDefinition.flatMap { $0 == definitionHash ? nil : $0 }
        }
    }

    public func advanceScheduledThrough(schedule: String, job: String, to date: Date) async throws(JournalError) {
        try await locked("save a job's record") { db in
            var view = try Self.lockedView(db, schedule: schedule, job: job, fireTime: nil)
            view.record.scheduledThrough = max(view.record.scheduledThrough ?? date, date)
            try Self.write(view.record, db, schedule: schedule, definition: nil)
        }
    }

    public func resumeJob(schedule: String, job: String) async throws(JournalError) -> Bool {
        try await locked("resume a job") { db in
            try db.execute(
                sql: "UPDATE schedule_job SET paused = 0, consecutive_failures = 0 WHERE schedule = ? AND name = ? AND paused",
                arguments: [schedule, job])
            return db.changesCount == 1
        }
    }

    public func fires(schedule: String, job: String) throws(JournalError) -> [FireRow] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT fire_at, decision, run_id, replica, ended_at FROM schedule_fire WHERE schedule = ? AND job = ? ORDER BY fire_at",
                arguments: [schedule, job]
            ).map(Self.fireRow)
        }
    }
}
