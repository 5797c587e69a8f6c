import CMOJournal
import CMOTestSupport
import Foundation
import Testing

/// `cmo journal migrate` on both stores, and `cmo journal copy` of a journal written by real `cmo run --sim` runs
/// into a real PostgreSQL database, read back with `cmo runs`.
@Suite struct JournalMigrateCopyCommandTests {
    /// Activates the first `n` inactive SIMs of the simulator's fleet (`--var n=...`).
    static let workflow = """
        local n = 0
        for p in cmo.list{where = {status = "INACTIVE"}} do
          cmo.activate(p.id)
          n = n + 1
          if n == tonumber(cmo.vars.n) then break end
        end
        """

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func migrateSaysTheSQLiteVersionBeforeAndAfter() throws {
        let directory = try CLI.workspace("")
        let journal = directory + "/journal.sqlite"
        let first = try CLI.run(["journal", "migrate", "--journal", journal])
        #expect(first.status == 0, "\(first)")
        let latest = SQLiteJournal.latestSchemaVersion
        #expect(first.stdout == "SQLite journal \(journal): schema version 0 -> \(latest) (the latest)\n")
        let again = try CLI.run(["journal", "migrate", "--journal", journal])
        #expect(again.stdout == "SQLite journal \(journal): schema version \(latest), nothing to apply (the latest)\n")
    }

    @Test func migrateSaysThePostgreSQLVersionBeforeAndAfterWithoutThePassword() throws {
        let cluster = try PostgresTestCluster.shared()
        let url = try cluster.makeDatabase()
        let location = try PostgresLocation(url: url.absoluteString, environment: [:])
        let first = try CLI.run(["journal", "migrate", "--journal", url.absoluteString])
        #expect(first.status == 0, "\(first)")
        let latest = PostgresJournal.latestSchemaVersion
        #expect(first.stdout == "PostgreSQL journal \(location.redacted): schema version 0 -> \(latest) (the latest)\n")
        // The password from PGPASSWORD, the URL in CMO_JOURNAL.
        let again = try CLI.run(
            ["journal", "migrate"],
            environment: ["CMO_JOURNAL": location.redacted, "PGPASSWORD": cluster.password])
        #expect(again.stdout == "PostgreSQL journal \(location.redacted): schema version \(latest), nothing to apply (the latest)\n")
        #expect(!(first.stdout + first.stderr + again.stdout + again.stderr).contains(cluster.password))
    }

    @Test func migrateWithAWrongPasswordExits2WithoutShowingIt() throws {
        let url = try PostgresTestCluster.shared().makeDatabase()
        var components = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false))
        components.password = "not-the-Password-42"
        let result = try CLI.run(["journal", "migrate", "--journal", try #require(components.string)])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: cannot read the journal at postgres://"), "\(result)")
        #expect(!result.stderr.contains("not-the-Password-42"))
    }

    @Test func copyRefusesWhatIsNotAPostgresURLOrAFileThatIsNotThere() throws {
        let directory = try CLI.workspace("")
        let notURL = try CLI.run(["journal", "copy", "--from", directory + "/j.sqlite", "--to", directory + "/other.sqlite"])
        #expect(notURL.status == 2)
        #expect(notURL.stderr.contains("--to expects a PostgreSQL URL, postgres://USER@HOST[:PORT]/DB"), "\(notURL)")
        let url = try PostgresTestCluster.shared().makeDatabase().absoluteString
        let missing = try CLI.run(["journal", "copy", "--from", directory + "/none.sqlite", "--to", url])
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: no journal at \(directory)/none.sqlite (--from names a SQLite journal file)\n")
        #expect(!FileManager.default.fileExists(atPath: directory + "/none.sqlite"))
    }

    @Test func aCopiedJournalListsTheSameRunsAndShowsTheSameChanges() async throws {
        let directory = try CLI.workspace(Self.workflow)
        let file = directory + "/journal.sqlite"
        for (n, extra) in [("4", ["--dry-run"]), ("6", []), ("3", [])] {
            let run = try CLI.run(
                ["run", "--sim", "--sim-fleet", "30", "--journal", file, "--var", "n=\(n)"] + extra + ["workflow.lua"],
                in: directory)
            #expect(run.status == 0, "\(run)")
        }
        let cluster = try PostgresTestCluster.shared()
        let url = try cluster.makeDatabase().absoluteString
        let location = try PostgresLocation(url: url, environment: [:])

        let written = try SQLiteJournal(path: file)
        var changes = 0
        for run in try await written.runs(limit: 10) { changes += try await written.changes(ofRun: run.id).count }
        #expect(changes >= 9)
        let copied = try CLI.run(["journal", "copy", "--from", file, "--to", url])
        #expect(copied.status == 0, "\(copied)")
        #expect(copied.stdout == "copied 3 runs, \(changes) changes and 0 schedule jobs from \(file) to \(location.redacted)\n")
        #expect(!(copied.stdout + copied.stderr).contains(cluster.password))

        let fromFile = try CLI.run(["runs", "--journal", file, "--output", "json"])
        let fromDatabase = try CLI.run(["runs", "--journal", url, "--output", "json"])
        #expect(fromDatabase.status == 0, "\(fromDatabase)")
        let fileRuns = try #require(try Self.json(fromFile.stdout) as? [[String: Any]])
        #expect(fileRuns.count == 3)
        #expect(try Self.json(fromDatabase.stdout) as? NSArray == fileRuns as NSArray)
        for run in fileRuns {
            let id = try #require(run["id"] as? String)
            let shown = try CLI.run(["runs", "show", id, "--all", "--journal", file, "--output", "json"])
            let shownCopy = try CLI.run(["runs", "show", id, "--all", "--journal", url, "--output", "json"])
            #expect(shownCopy.status == 0, "\(shownCopy)")
            let document = try #require(try Self.json(shown.stdout) as? NSDictionary)
            #expect((document["changes"] as? [Any])?.isEmpty == false)
            #expect(try Self.json(shownCopy.stdout) as? NSDictionary == document)
        }

        // Again: the target has runs now.
        let refused = try CLI.run(["journal", "copy", "--from", file, "--to", url])
        #expect(refused.status == 2)
        #expect(refused.stderr == """
            error: the journal at \(location.redacted) has 3 runs already: copy into an empty journal, or give --merge \
            to copy only the runs it does not have

            """)
        // One more run in the file: --merge copies it alone.
        #expect(try CLI.run(["run", "--sim", "--journal", file, "--var", "n=2", "workflow.lua"], in: directory).status == 0)
        let merged = try CLI.run(["journal", "copy", "--from", file, "--to", url, "--merge"])
        #expect(merged.status == 0, "\(merged)")
        #expect(merged.stdout == """
            copied 1 run, 2 changes and 0 schedule jobs from \(file) to \(location.redacted); left out 3 runs it had \
            already

            """)
        let listed = try #require(try Self.json(CLI.run(["runs", "--journal", url, "--output", "json"]).stdout) as? [Any])
        #expect(listed.count == 4)
    }
}
