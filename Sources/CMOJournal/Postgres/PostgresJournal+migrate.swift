import PostgresNIO

extension PostgresJournal {
    /// The schema version the database is at (0: no cmo tables yet).
    public func schemaVersion() async throws(JournalError) -> Int {
        try await retrying("read the schema version") { client in
            try await Self.ensureVersionTable(client)
            let rows = try await client.query("SELECT coalesce(max(version), 0) FROM cmo_schema")
            for try await version in rows.decode(Int.self) { return version }
            return 0
        }
    }

    /// Applies the migrations the database lacks, in one transaction that holds `cmo_schema` exclusively, so
    /// processes starting at once take turns and each migration runs once. Returns the versions applied.
    @discardableResult
    public func migrate() async throws(JournalError) -> [Int] {
        try await retrying("migrate the schema") { client in
            try await Self.ensureVersionTable(client)
        }
        let logger = self.logger
        return try await transaction("migrate the schema") { connection in
            try await connection.query("LOCK TABLE cmo_schema IN ACCESS EXCLUSIVE MODE", logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM cmo_schema", logger: logger
            ).decode(Int.self) {
                current = version
            }
            guard current <= PostgresSchema.latestVersion else {
                throw JournalError(
                    .unavailable,
                    "the journal's schema is at version \(current), newer than this cmo knows (\(PostgresSchema.latestVersion)): upgrade cmo")
            }
            var applied: [Int] = []
            for migration in PostgresSchema.migrations where migration.version > current {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO cmo_schema (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                applied.append(migration.version)
            }
            return applied
        }
    }

    /// Creates `cmo_schema` unless it exists; two processes doing so at once may collide on the catalog's unique
    /// index (23505), or on its row type (42710, duplicate object), or find the table made meanwhile (42P07): each
    /// means it exists now.
    private static func ensureVersionTable(_ client: PostgresClient) async throws {
        do {
            try await client.query("""
                CREATE TABLE IF NOT EXISTS cmo_schema (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """)
        } catch let error as PSQLError where ["23505", "42710", "42P07"].contains(error.serverInfo?[.sqlState] ?? "") {
            return
        }
    }
}
