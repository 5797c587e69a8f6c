import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `cmo` keeps operator data private under the usual 022 umask: the state directory 0700, the journal,
/// its WAL and reports 0600; an existing journal or state directory readable by others is warned about once.
@Suite struct PrivateFilesCommandTests {
    /// The file's permission bits (0 when it cannot be read).
    static func mode(_ path: String) -> Int {
        let permissions = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        return (permissions?.intValue ?? 0) & 0o7777
    }

    @Test func aRunCreatesItsStateDirectoryJournalAndReportForTheOwnerOnly() throws {
        let directory = try CLI.workspace("print('hello')")
        let state = directory + "/state"
        let result = try CLI.run(
            ["run", "--no-api", "--report", "report.json", "workflow.lua"], environment: ["XDG_STATE_HOME": state],
            in: directory)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stderr.contains("warning"), "\(result)")
        #expect(Self.mode(state) == 0o700)
        #expect(Self.mode(state + "/cmo") == 0o700)
        #expect(Self.mode(state + "/cmo/journal.sqlite") == 0o600)
        #expect(Self.mode(directory + "/report.json") == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: state + "/cmo/journal.sqlite" + suffix) {
            #expect(Self.mode(state + "/cmo/journal.sqlite" + suffix) == 0o600)
        }
    }

    @Test func anExistingJournalAndStateDirectoryReadableByOthersAreWarnedAboutOnce() throws {
        let directory = try CLI.workspace("print('hello')")
        let state = directory + "/state"
        let journal = state + "/cmo/journal.sqlite"
        #expect(try CLI.run(["run", "--no-api", "workflow.lua"], environment: ["XDG_STATE_HOME": state], in: directory).status == 0)
        chmod(journal, 0o644)
        chmod(state + "/cmo", 0o755)
        let run = try CLI.run(["run", "--no-api", "workflow.lua"], environment: ["XDG_STATE_HOME": state], in: directory)
        #expect(run.status == 0, "\(run)")
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(
            warnings == [
                "cmo: warning: the state directory \(state)/cmo is readable by group or others (mode 0755): chmod 700 \(state)/cmo",
                "cmo: warning: the journal \(journal) is readable by group or others (mode 0644): chmod 600 \(journal)",
            ])
        #expect(Self.mode(journal) == 0o644)  // the operator's choice stands

        let runs = try CLI.run(["runs", "--journal", journal])
        #expect(runs.status == 0, "\(runs)")
        #expect(
            runs.stderr
                == "cmo: warning: the journal \(journal) is readable by group or others (mode 0644): chmod 600 \(journal)\n")
    }

    @Test func aScheduledRunLeavesTheWarningToItsDaemon() throws {
        let directory = try CLI.workspace("print('hello')")
        let journal = directory + "/journal.sqlite"
        #expect(try CLI.run(["run", "--no-api", "--journal", journal, "workflow.lua"], in: directory).status == 0)
        chmod(journal, 0o644)
        let run = try CLI.run(["run", "--no-api", "--journal", journal, "--job", "nightly", "workflow.lua"], in: directory)
        #expect(run.status == 0, "\(run)")
        #expect(!run.stderr.contains("warning"), "\(run)")
    }
}
