import CMOTestSupport
import Foundation
import Logging
import Testing

@testable import CMOJournal

#if canImport(Glibc)
import Glibc
#endif

/// `PostgresLocation`: the URL, and the password as libpq finds it (the URL, `PGPASSWORD`, a `.pgpass` file that
/// only its owner may read), never shown in a description, a redacted URL or an error.
@Suite struct PostgresLocationTests {
    static let secret = "s3cr3t-Pa55"

    /// Writes `text` to a new password file with `mode`; its path.
    static func passwordFile(_ text: String, mode: mode_t = 0o600) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(".pgpass").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode)
        return path
    }

    @Test func parsesEveryPartOfTheURL() throws {
        let location = try PostgresLocation(url: "postgres://ops:\(Self.secret)@db.example:6543/journal", environment: [:])
        #expect(location.host == "db.example" && location.port == 6543 && location.user == "ops")
        #expect(location.database == "journal" && location.password == Self.secret && !location.requiresTLS)
        let defaults = try PostgresLocation(url: "postgresql://db/j", environment: ["USER": "me"])
        #expect(defaults.port == 5432 && defaults.user == "me" && defaults.password == nil)
        #expect(try PostgresLocation(url: "postgres://db/j", environment: [:]).user == "postgres")
        let tls = try PostgresLocation(url: "postgres://u@db/j?sslmode=require", environment: [:])
        #expect(tls.requiresTLS)
        #expect(tls.redacted == "postgres://u@db:5432/j?sslmode=require")
        #expect(try PostgresLocation(url: "postgres://u@db/j?sslmode=verify-full", environment: [:]).requiresTLS)
        #expect(try !PostgresLocation(url: "postgres://u@db/j?sslmode=disable", environment: [:]).requiresTLS)
    }

    @Test func percentEscapesAreDecoded() throws {
        let location = try PostgresLocation(url: "postgres://o%40ps:p%3Aw%2Fd%40x@db/my%20db", environment: [:])
        #expect(location.user == "o@ps" && location.password == "p:w/d@x" && location.database == "my db")
    }

    @Test func onlyPostgresURLsAreURLs() {
        #expect(PostgresLocation.isURL("postgres://db/j") && PostgresLocation.isURL("postgresql://db/j"))
        #expect(!PostgresLocation.isURL("/var/lib/cmo/journal.sqlite") && !PostgresLocation.isURL("mysql://db/j"))
    }

    @Test(arguments: [
        ("postgres://ops:\(secret)@/journal", "the journal URL postgres://ops:***@/journal is not postgres://USER@HOST[:PORT]/DB"),
        ("postgres://ops:\(secret)@db", "the journal URL postgres://ops:***@db names no database (postgres://USER@HOST[:PORT]/DB)"),
        ("postgres://ops:\(secret)@db/a/b", "the journal URL postgres://ops:***@db/a/b names no database (postgres://USER@HOST[:PORT]/DB)"),
        ("postgres://ops:\(secret)@db/j?sslmode=sometimes", "the journal URL's sslmode sometimes is not one of disable, prefer, require, verify-full"),
        ("mysql://ops:\(secret)@db/j", "the journal URL mysql://ops:***@db/j is not postgres://USER@HOST[:PORT]/DB"),
    ])
    func aBadURLIsAnErrorWithoutThePassword(url: String, message: String) {
        let error = #expect(throws: JournalError.self) { try PostgresLocation(url: url, environment: [:]) }
        #expect(error?.message == message)
        #expect(error?.code == .unavailable)
        #expect(error.map { !"\($0)".contains(Self.secret) } == true)
    }

    @Test func theDescriptionAndTheRedactedURLLeaveThePasswordOut() throws {
        let location = try PostgresLocation(url: "postgres://ops:\(Self.secret)@db:5433/journal", environment: [:])
        #expect(location.redacted == "postgres://ops@db:5433/journal")
        #expect(location.description == location.redacted)
        #expect("\(location)" == location.redacted)
        #expect(!String(reflecting: location.redacted).contains(Self.secret))
    }

    @Test func theURLsPasswordWinsOverPGPASSWORDWhichWinsOverTheFile() throws {
        let file = try Self.passwordFile("*:*:*:*:from-file\n")
        let both = ["PGPASSWORD": "from-env", "PGPASSFILE": file]
        #expect(try PostgresLocation(url: "postgres://u:from-url@db/j", environment: both).password == "from-url")
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: both).password == "from-env")
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: ["PGPASSFILE": file]).password == "from-file")
    }

    @Test func thePasswordFileIsHOMEsPgpassUnlessPGPASSFILESaysOtherwise() throws {
        let file = try Self.passwordFile("db:5432:j:u:in-home\n")
        let home = (file as NSString).deletingLastPathComponent
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: ["HOME": home]).password == "in-home")
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: ["HOME": "/nonexistent"]).password == nil)
        let other = try Self.passwordFile("db:5432:j:u:elsewhere\n")
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: ["HOME": home, "PGPASSFILE": other]).password == "elsewhere")
    }

    @Test func theFirstMatchingLineGivesThePasswordWithWildcards() throws {
        let file = try Self.passwordFile("""
            # comments and short lines are skipped
            db:5432
            other:5432:j:u:wrong-host
            db:5433:j:u:wrong-port
            db:*:reports:u:any-port
            *:5432:j:admin:any-host
            db:5432:*:*:fallback
            *:*:*:*:never-reached

            """)
        func password(_ url: String) throws -> String? {
            try PostgresLocation(url: url, environment: ["PGPASSFILE": file]).password
        }
        #expect(try password("postgres://u@db:9999/reports") == "any-port")
        #expect(try password("postgres://admin@elsewhere/j") == "any-host")
        #expect(try password("postgres://u@db/j") == "fallback")
        #expect(try password("postgres://nobody@db:5432/x") == "fallback")
        #expect(try password("postgres://u@other:1/x") == "never-reached")
    }

    @Test func escapedColonsAndBackslashesAreLiteral() throws {
        let file = try Self.passwordFile(#"db:5432:j:u:pa\:ss\\word\:"# + "\n" + #"d\:b:5432:j:u:host-with-colon"# + "\n")
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: ["PGPASSFILE": file]).password == #"pa:ss\word:"#)
        #expect(PostgresPasswordFile.fields(of: #"a\:b:c\\:d"#) == ["a:b", #"c\"#, "d"])
        #expect(PostgresPasswordFile(path: file).password(host: "d:b", port: 5432, database: "j", user: "u") == "host-with-colon")
    }

    @Test(arguments: [mode_t(0o640), 0o604, 0o644, 0o660])
    func aFileOthersMayReadIsIgnoredAsLibpqDoes(mode: mode_t) throws {
        let file = try Self.passwordFile("*:*:*:*:exposed\n", mode: mode)
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: ["PGPASSFILE": file]).password == nil)
        chmod(file, 0o600)
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: ["PGPASSFILE": file]).password == "exposed")
        chmod(file, 0o400)
        #expect(try PostgresLocation(url: "postgres://u@db/j", environment: ["PGPASSFILE": file]).password == "exposed")
    }

    @Test func aMissingFileGivesNoPassword() throws {
        let location = try PostgresLocation(url: "postgres://u@db/j", environment: ["PGPASSFILE": "/nonexistent/.pgpass"])
        #expect(location.password == nil)
    }
}

/// The password against a real server: each source works, and a wrong one is refused with an error that does not
/// contain it.
@Suite struct PostgresPasswordTests {
    func open(_ location: PostgresLocation) async throws(JournalError) -> PostgresJournal {
        try await PostgresJournal.open(
            location, logger: Logger(label: "cmo.journal.test"), reconnectWindow: .seconds(5), maximumConnections: 2)
    }

    @Test func eachSourceOfThePasswordConnects() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        var components = try #require(URLComponents(url: database, resolvingAgainstBaseURL: false))
        components.password = nil
        let bare = try #require(components.string)
        let file = try PostgresLocationTests.passwordFile(
            "\(database.host ?? ""):\(database.port ?? 0):\(database.path.dropFirst()):\(database.user ?? ""):\(cluster.password)\n")
        for environment in [["PGPASSWORD": cluster.password], ["PGPASSFILE": file]] {
            let journal = try await open(PostgresLocation(url: bare, environment: environment))
            #expect(try await journal.schemaVersion() >= 1)
            await journal.close()
        }
        let fromURL = try await open(PostgresLocation(url: database.absoluteString, environment: [:]))
        #expect(!fromURL.location.contains(cluster.password))
        let name = database.path.dropFirst()
        #expect(fromURL.location == "postgres://\(database.user ?? "")@\(database.host ?? ""):\(database.port ?? 0)/\(name)")
        await fromURL.close()
    }

    /// Through the one-connection check (`cmo journal migrate` and `copy` make it first): the pool behind
    /// `PostgresJournal.open` keeps trying to connect for about a minute before it gives up.
    @Test func aWrongPasswordIsAJournalErrorThatDoesNotShowIt() async throws {
        let database = try PostgresTestCluster.shared().makeDatabase()
        var components = try #require(URLComponents(url: database, resolvingAgainstBaseURL: false))
        let wrong = "Wr0ng-\(UUID().uuidString.prefix(8))"
        components.password = wrong
        let location = try PostgresLocation(url: try #require(components.string), environment: [:])
        let logger = Logger(label: "cmo.journal.test")
        let error = await #expect(throws: JournalError.self) { try await PostgresJournal.schemaVersion(at: location, logger: logger) }
        #expect(error?.code == .unavailable)
        #expect(error?.message == """
            cannot read the journal at \(location.redacted): password authentication failed for user \
            "\(location.user)" (SQLSTATE 28P01)
            """)
        #expect(error.map { !"\($0)".contains(wrong) } == true)

        components.password = nil
        let missing = try PostgresLocation(url: try #require(components.string), environment: [:])
        #expect(missing.password == nil)
        let refused = await #expect(throws: JournalError.self) { try await PostgresJournal.schemaVersion(at: missing, logger: logger) }
        #expect(refused?.message.hasPrefix("cannot read the journal at \(missing.redacted): ") == true)
        components.password = try PostgresTestCluster.shared().password
        let right = try PostgresLocation(url: try #require(components.string), environment: [:])
        #expect(try await PostgresJournal.schemaVersion(at: right, logger: logger) == 0)
    }
}
