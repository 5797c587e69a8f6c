import Foundation
import Testing

@testable import CMOJournal

#if canImport(Glibc)
import Glibc
#endif

/// Files with operator data are private: directories 0700, files 0600 under any usual umask, and a warning for an
/// existing journal or state directory that group or others may read.
@Suite struct PrivateFilesTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cmo-private-\(UUID().uuidString)").path
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        guard stat(path, &status) == 0 else { return 0 }
        return status.st_mode & 0o7777
    }

    @Test func createsMissingDirectoriesWithMode0700AndLeavesExistingOnes() throws {
        let root = Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(root, 0o755)
        try PrivateFiles.createDirectory(root + "/a/b/cmo")
        #expect(Self.mode(root) == 0o755)
        #expect(Self.mode(root + "/a") == 0o700)
        #expect(Self.mode(root + "/a/b/cmo") == 0o700)
        try PrivateFiles.createDirectory(root + "/a/b/cmo")  // exists: no error
    }

    @Test func aDirectoryInTheWayOfAFileIsAnError() throws {
        let root = Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root + "/file", contents: Data())
        #expect(throws: PrivateFileError.self) { try PrivateFiles.createDirectory(root + "/file/cmo") }
    }

    @Test func writesFilesWithMode0600AndNarrowsAnExistingOne() throws {
        let root = Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = root + "/report.json"
        try PrivateFiles.write(Data("{}".utf8), to: path)
        #expect(Self.mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{}")
        chmod(path, 0o644)
        try PrivateFiles.write(Data("[1]".utf8), to: path)
        #expect(Self.mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "[1]")
    }

    @Test func aNewJournalItsWALAndSharedMemoryAreReadableByTheOwnerOnly() async throws {
        let directory = Self.temporaryDirectory() + "/state/cmo"
        let path = directory + "/journal.sqlite"
        let journal = try SQLiteJournal(path: path)
        try await journal.sync()  // a write: the -wal and -shm files exist while the journal is open
        #expect(Self.mode(directory) == 0o700)
        #expect(Self.mode(path) == 0o600)
        #expect(Self.mode(path + "-wal") == 0o600)
        #expect(Self.mode(path + "-shm") == 0o600)
        #expect(journal.exposure == nil)
        #expect(journal.privacyWarnings(stateDirectory: true).isEmpty)
    }

    @Test func anExistingJournalReadableByOthersIsLeftAsItIsAndWarnedAbout() throws {
        let directory = Self.temporaryDirectory()
        let path = directory + "/journal.sqlite"
        _ = try SQLiteJournal(path: path)
        chmod(path, 0o644)
        chmod(directory, 0o755)
        let journal = try SQLiteJournal(path: path)
        #expect(Self.mode(path) == 0o644)
        #expect(
            journal.privacyWarnings(stateDirectory: false) == [
                "warning: the journal \(path) is readable by group or others (mode 0644): chmod 600 \(path)"
            ])
        #expect(
            journal.privacyWarnings(stateDirectory: true) == [
                "warning: the state directory \(directory) is readable by group or others (mode 0755): chmod 700 \(directory)",
                "warning: the journal \(path) is readable by group or others (mode 0644): chmod 600 \(path)",
            ])
    }

    @Test func writableOrExecutableByOthersButNotReadableIsNoExposure() throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o711)
        #expect(PrivateFiles.exposure(of: directory) == nil)
        chmod(directory, 0o750)
        #expect(PrivateFiles.exposure(of: directory)?.mode == 0o750)
        #expect(PrivateFiles.exposure(of: directory + "/missing") == nil)
    }
}
