import CMOTestSupport
import Foundation
import Testing

@Suite("cmo run --record/--replay")
struct CassetteCommandTests {
    static let root = (0..<3).reduce(URL(fileURLWithPath: #filePath)) { url, _ in url.deletingLastPathComponent() }.path
    static let tutorial = root + "/scripts/workflows/tutorial.lua"

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-cassette-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a recorded run replays offline with the same output; the cassette is 0600 and holds no secret")
    func recordAndReplay() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = directory.appendingPathComponent("run.jsonl").path
        let recorded = try CMOBinary.run(
            ["run", "--no-journal", "--sim", "--sim-fleet", "60", Self.tutorial, "--record", cassette])
        #expect(recorded.status == 0, "\(recorded)")
        let text = try String(contentsOfFile: cassette, encoding: .utf8)
        #expect(text.split(separator: "\n").count >= 10)
        for secret in ["cmo-demo-secret", "Bearer", "access_token", "Authorization", "client_secret", "eyJ"] {
            #expect(!text.contains(secret), "the cassette holds \(secret)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: cassette)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let replayed = try CMOBinary.run(["run", "--no-journal", Self.tutorial, "--replay", cassette])
        #expect(replayed.status == 0, "\(replayed)")
        #expect(replayed.stdout == recorded.stdout)
        #expect(replayed.stdout.contains("Step 5: monitor Completed; the SIM now reads ACTIVE"))
    }

    @Test("a test's fleet seeded from a cassette holds the products the recorded run saw")
    func fleetFromCassette() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = directory.appendingPathComponent("recorded.jsonl").path
        let recorded = try CMOBinary.run(
            ["run", "--no-journal", "--sim", "--sim-fleet", "40", "--sim-seed", "5", Self.tutorial, "--record", cassette])
        #expect(recorded.status == 0, "\(recorded)")
        let fixture = Self.root + "/Tests/Fixtures/workbench/cassette_fleet_test.lua"
        let testFile = directory.appendingPathComponent("cassette_fleet_test.lua")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: fixture), to: testFile)
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: Self.tutorial), to: directory.appendingPathComponent("tutorial.lua"))
        let result = try CMOBinary.run(["test", testFile.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("1 tests: 1 passed"), "\(result)")
    }

    @Test("--mask iccid replaces the ICCIDs consistently, and the masked cassette still replays")
    func mask() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = directory.appendingPathComponent("masked.jsonl").path
        let recorded = try CMOBinary.run(
            ["run", "--no-journal", "--sim", "--sim-fleet", "60", Self.tutorial, "--record", cassette, "--mask", "iccid"])
        #expect(recorded.status == 0, "\(recorded)")
        // Step 2 prints the ICCID of the SIM it read: the cassette must not hold it.
        let step2 = recorded.stdout.split(separator: "\n").first { $0.hasPrefix("Step 2:") }.map(String.init) ?? ""
        let iccid = step2.components(separatedBy: "ICCID ").last?.split(separator: " ").first.map(String.init) ?? ""
        #expect(iccid.count >= 18, "\(recorded)")
        let text = try String(contentsOfFile: cassette, encoding: .utf8)
        #expect(!text.contains(iccid))

        let replayed = try CMOBinary.run(["run", "--no-journal", Self.tutorial, "--replay", cassette])
        #expect(replayed.status == 0, "\(replayed)")
        #expect(replayed.stdout.contains("Step 5: monitor Completed; the SIM now reads ACTIVE"))
        #expect(!replayed.stdout.contains(iccid))
    }

    @Test("usage errors: --record with --replay, --mask without --record, a cassette that does not parse")
    func usage() throws {
        let both = try CMOBinary.run(["run", Self.tutorial, "--record", "a", "--replay", "b"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("give --record or --replay, not both"))
        let mask = try CMOBinary.run(["run", "--sim", Self.tutorial, "--mask", "iccid"])
        #expect(mask.status == 2)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.jsonl").path
        try Data("not json\n".utf8).write(to: URL(fileURLWithPath: bad))
        let broken = try CMOBinary.run(["run", "--no-journal", Self.tutorial, "--replay", bad])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("bad.jsonl:1: not a cassette entry"), "\(broken)")
    }
}
