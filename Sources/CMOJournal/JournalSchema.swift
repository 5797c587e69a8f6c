import GRDB

/// The journal's tables, as GRDB migrations. Add a migration for every change; never edit a shipped one.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, changes, schedule jobs") { db in
            try db.create(table: RunEntry.databaseTableName) { table in
                table.column("id", .text).primaryKey()
                table.column("root_id", .text).notNull().indexed()
                table.column("resumed_from", .text)
                table.column("script_path", .text).notNull()
                table.column("script_hash", .text).notNull()
                table.column("vars", .jsonText).notNull()
                table.column("inputs", .jsonText).notNull()
                table.column("dry_run", .boolean).notNull()
                table.column("job", .text)
                table.column("started_at", .datetime).notNull().indexed()
                table.column("ended_at", .datetime)
                table.column("exit_code", .integer)
                table.column("stop_reason", .text)
                table.column("counts", .jsonText).notNull()
                table.column("pid", .integer).notNull()
            }
            try db.create(table: ChangeEntry.databaseTableName) { table in
                // A plain rowid key (no AUTOINCREMENT: that would update sqlite_sequence on every insert).
                table.primaryKey("id", .integer)
                table.column("run_id", .text).notNull().indexed().references(RunEntry.databaseTableName)
                table.column("root_id", .text).notNull()
                table.column("key", .text).notNull()
                table.column("product_id", .text).notNull()
                table.column("iccid", .text)
                table.column("ops", .text).notNull()
                table.column("from_status", .text)
                table.column("to_status", .text)
                table.column("async", .boolean).notNull()
                table.column("state", .text).notNull()
                table.column("intent_at", .datetime).notNull()
                table.column("sent_at", .datetime)
                table.column("http_status", .integer)
                table.column("monitor_id", .text)
                table.column("error", .text)
                table.column("correlation_id", .text)
                table.column("ended_at", .datetime)
            }
            // Resumes read a chain's changes by root and match keys in memory; await_monitor settles by monitor.
            try db.create(index: "change_root", on: ChangeEntry.databaseTableName, columns: ["root_id"])
            try db.execute(sql: "CREATE INDEX change_monitor ON change(monitor_id) WHERE monitor_id IS NOT NULL")
            try db.create(table: ScheduleJobEntry.databaseTableName) { table in
                table.column("schedule", .text).notNull()
                table.column("name", .text).notNull()
                table.column("scheduled_through", .datetime)
                table.column("last_fire_at", .datetime)
                table.column("last_run_id", .text)
                table.column("last_exit_code", .integer)
                table.column("last_succeeded", .boolean)
                table.column("last_finished_at", .datetime)
                table.column("consecutive_failures", .integer).notNull()
                table.column("paused", .boolean).notNull()
                table.primaryKey(["schedule", "name"])
            }
        }
        migrator.registerMigration("v2: each run's API counters") { db in
            // What the run's client counted (`cmo schedule --listen` serves them in /metrics); NULL for runs
            // journaled before, and for runs that made no client (`--no-api`).
            try db.alter(table: RunEntry.databaseTableName) { table in
                table.add(column: "api_requests", .integer)
                table.add(column: "api_retries", .integer)
                table.add(column: "api_rate_limited", .integer)
                table.add(column: "api_token_fetches", .integer)
            }
        }
        migrator.registerMigration("v3: schedule replicas' fires") { db in
            // One row per job and fire time: how daemons sharing the journal fire each job once (see
            // SQLiteJournal+fires.swift); and each job's definition hash.
            try db.alter(table: ScheduleJobEntry.databaseTableName) { table in
                table.add(column: "definition_hash", .text)
            }
            try db.create(table: "schedule_fire") { table in
                table.column("schedule", .text).notNull()
                table.column("job", .text).notNull()
                table.column("fire_at", .datetime).notNull()
                table.column("decision", .text).notNull()
                table.column("run_id", .text)
                table.column("replica", .text).notNull()
                table.column("decided_at", .datetime).notNull()
                table.column("heartbeat_at", .datetime)
                table.column("ended_at", .datetime)
                table.primaryKey(["schedule", "job", "fire_at"])
            }
        }
        return migrator
    }
}
