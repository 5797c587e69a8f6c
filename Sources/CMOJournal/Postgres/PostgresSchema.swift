/// The PostgreSQL journal's tables, as numbered migrations applied in order and recorded in `cmo_schema`. Add a
/// migration for every change; never edit a shipped one.
///
/// The tables mirror the SQLite journal's (same names and meanings), with `timestamptz` times, a `seq` per run
/// for watchers (SQLite's rowid), and two tables SQLite does not need: `schedule_fire`, one row per job and fire
/// time (how replicas fire each job once), and `tenant_rate`, one GCRA bucket per tenant.
enum PostgresSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "runs, changes, schedule jobs and fires, tenant rate buckets",
            statements: [
                """
                CREATE TABLE run (
                    seq bigserial UNIQUE NOT NULL,
                    id text PRIMARY KEY,
                    root_id text NOT NULL,
                    resumed_from text,
                    script_path text NOT NULL,
                    script_hash text NOT NULL,
                    vars text NOT NULL,
                    inputs text NOT NULL,
                    dry_run boolean NOT NULL,
                    job text,
                    started_at timestamptz NOT NULL,
                    ended_at timestamptz,
                    exit_code integer,
                    stop_reason text,
                    counts text NOT NULL,
                    pid integer NOT NULL,
                    api_requests integer,
                    api_retries integer,
                    api_rate_limited integer,
                    api_token_fetches integer
                )
                """,
                "CREATE INDEX run_root ON run (root_id)",
                "CREATE INDEX run_started ON run (started_at)",
                """
                CREATE TABLE change (
                    id bigserial PRIMARY KEY,
                    run_id text NOT NULL REFERENCES run (id) ON DELETE CASCADE,
                    root_id text NOT NULL,
                    key text NOT NULL,
                    product_id text NOT NULL,
                    iccid text,
                    ops text NOT NULL,
                    from_status text,
                    to_status text,
                    async boolean NOT NULL,
                    state text NOT NULL,
                    intent_at timestamptz NOT NULL,
                    sent_at timestamptz,
                    http_status integer,
                    monitor_id text,
                    error text,
                    correlation_id text,
                    ended_at timestamptz
                )
                """,
                "CREATE INDEX change_run ON change (run_id)",
                "CREATE INDEX change_root ON change (root_id)",
                "CREATE INDEX change_monitor ON change (monitor_id) WHERE monitor_id IS NOT NULL",
                """
                CREATE TABLE schedule_job (
                    schedule text NOT NULL,
                    name text NOT NULL,
                    scheduled_through timestamptz,
                    last_fire_at timestamptz,
                    last_run_id text,
                    last_exit_code integer,
                    last_succeeded boolean,
                    last_finished_at timestamptz,
                    consecutive_failures integer NOT NULL DEFAULT 0,
                    paused boolean NOT NULL DEFAULT false,
                    definition_hash text,
                    PRIMARY KEY (schedule, name)
                )
                """,
                """
                CREATE TABLE schedule_fire (
                    schedule text NOT NULL,
                    job text NOT NULL,
                    fire_at timestamptz NOT NULL,
                    decision text NOT NULL,
                    run_id text,
                    replica text NOT NULL,
                    decided_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    heartbeat_at timestamptz,
                    ended_at timestamptz,
                    PRIMARY KEY (schedule, job, fire_at)
                )
                """,
                """
                CREATE TABLE tenant_rate (
                    tenant text PRIMARY KEY,
                    tat timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """,
            ]),
        Migration(
            version: 2, name: "distributed runs: their items, shards and lease events",
            statements: [
                """
                CREATE TABLE dist_run (
                    run_id text PRIMARY KEY REFERENCES run (id) ON DELETE CASCADE,
                    shard_size integer NOT NULL,
                    shards integer NOT NULL,
                    items integer NOT NULL,
                    stop_requested boolean NOT NULL DEFAULT false,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """,
                """
                CREATE TABLE dist_item (
                    run_id text NOT NULL REFERENCES dist_run (run_id) ON DELETE CASCADE,
                    product_id text NOT NULL,
                    shard integer NOT NULL,
                    position integer NOT NULL,
                    item text NOT NULL,
                    PRIMARY KEY (run_id, product_id)
                )
                """,
                "CREATE INDEX dist_item_shard ON dist_item (run_id, shard, position)",
                """
                CREATE TABLE dist_shard (
                    run_id text NOT NULL REFERENCES dist_run (run_id) ON DELETE CASCADE,
                    shard integer NOT NULL,
                    state text NOT NULL DEFAULT 'pending',
                    owner text,
                    epoch bigint NOT NULL DEFAULT 0,
                    lease_until timestamptz,
                    counts text NOT NULL DEFAULT '{}',
                    PRIMARY KEY (run_id, shard)
                )
                """,
                """
                CREATE TABLE dist_lease_event (
                    id bigserial PRIMARY KEY,
                    run_id text NOT NULL REFERENCES dist_run (run_id) ON DELETE CASCADE,
                    shard integer NOT NULL,
                    epoch bigint NOT NULL,
                    worker text NOT NULL,
                    event text NOT NULL,
                    at timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """,
            ]),
        Migration(
            version: 3, name: "distributed runs: the script and settings workers run with, run-wide guards, shard errors, who wrote each intent",
            statements: [
                """
                ALTER TABLE dist_run
                    ADD COLUMN script_name text NOT NULL DEFAULT '',
                    ADD COLUMN script text NOT NULL DEFAULT '',
                    ADD COLUMN settings text NOT NULL DEFAULT '{}',
                    ADD COLUMN max_changes integer,
                    ADD COLUMN changes_started integer NOT NULL DEFAULT 0,
                    ADD COLUMN changes_ended integer NOT NULL DEFAULT 0,
                    ADD COLUMN changes_failed integer NOT NULL DEFAULT 0,
                    ADD COLUMN stop_reason text
                """,
                "ALTER TABLE dist_shard ADD COLUMN error text",
                "ALTER TABLE dist_lease_event ADD COLUMN detail text",
                """
                ALTER TABLE change
                    ADD COLUMN dist_shard integer,
                    ADD COLUMN dist_epoch bigint,
                    ADD COLUMN dist_worker text
                """,
            ]),
    ]

    /// The newest schema version this build knows.
    static var latestVersion: Int { migrations.last?.version ?? 0 }
}
