import CMOSimulator
import CMOTestSupport
import Foundation
import Testing

/// `cmo sim --tls` as a process: the start line's `CMO_CA_FILE`, HTTP/2 and HTTP/1.1 by ALPN (curl says which it
/// got), certificate files, and the flags' usage errors.
@Suite struct SimTLSCommandTests {
    /// curl's `%{http_version}` for a GET of `url` trusting `caFile` (`--http2`: offer h2 by ALPN).
    static func httpVersion(_ url: String, caFile: String) throws -> String {
        try TutorialReplayTests.run(["--silent", "--http2", "--cacert", caFile, "-o", "/dev/null", "-w", "%{http_version}", url])
    }

    @Test func printsTheCAFileAndServesHTTP2AndHTTP1ByALPN() throws {
        let sim = try SimProcess(fleet: 10, seed: 5, ["--tls"])
        let listening = try #require(sim.lines.first?.wholeMatch(of: /cmo sim listening on (https:\/\/127\.0\.0\.1:\d+)/))
        let base = String(listening.output.1)
        let caFile = try #require(sim.printedVariables["CMO_CA_FILE"])
        #expect(sim.lines[1].hasSuffix(" CMO_CA_FILE=\(caFile)"))
        #expect(sim.printedVariables["CMO_API_URL"] == base + "/connection-management-orchestrator/v5")
        #expect(try String(contentsOfFile: caFile, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(try Self.httpVersion(base + "/_sim/health", caFile: caFile) == "2")
        #expect(try TutorialReplayTests.run(["--silent", "--http1.1", "--cacert", caFile, "-o", "/dev/null", "-w", "%{http_version}", base + "/_sim/health"]) == "1.1")
        // The certificate names localhost too.
        let local = base.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        #expect(try Self.httpVersion(local + "/_sim/health", caFile: caFile) == "2")
        try sim.stop()
        // A stop removes the generated CA's temporary file.
        #expect(!FileManager.default.fileExists(atPath: caFile))
    }

    @Test func noHTTP2ServesHTTP1Only() throws {
        let sim = try SimProcess(fleet: 10, seed: 5, ["--tls", "--no-http2"])
        let caFile = try #require(sim.printedVariables["CMO_CA_FILE"])
        let base = try #require(sim.lines.first?.components(separatedBy: " ").last)
        #expect(try Self.httpVersion(base + "/_sim/health", caFile: caFile) == "1.1")
        try sim.stop()
    }

    @Test func servesCertificateFilesAndPrintsNoCAFile() throws {
        let directory = NSTemporaryDirectory() + "cmo-sim-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let authority = try CertificateAuthority(commonName: "files CA")
        let files = try authority.issue(commonName: "sim", hosts: ["127.0.0.1"]).write(to: directory, name: "sim")
        let caFile = directory + "/ca.pem"
        try authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        let sim = try SimProcess(fleet: 10, seed: 5, ["--tls", "--tls-cert", files.certificate, "--tls-key", files.key])
        #expect(sim.printedVariables["CMO_CA_FILE"] == nil)
        let base = try #require(sim.lines.first?.components(separatedBy: " ").last)
        #expect(try Self.httpVersion(base + "/_sim/health", caFile: caFile) == "2")
        try sim.stop()
    }

    @Test func tlsFlagsWithoutTLSOrHalfAPairAreUsageErrors() throws {
        let withoutTLS = try CMOBinary.run(["sim", "--port", "0", "--tls-cert", "a.pem", "--tls-key", "b.pem"])
        #expect(withoutTLS.status == 2)
        #expect(withoutTLS.stderr.contains("--tls-cert, --tls-key, --tls-ca-file and --tls-client-ca need --tls"))
        let half = try CMOBinary.run(["sim", "--port", "0", "--tls", "--tls-cert", "a.pem"])
        #expect(half.status == 2)
        #expect(half.stderr.contains("--tls-cert and --tls-key go together"))
        let missing = try CMOBinary.run(["sim", "--port", "0", "--tls", "--tls-cert", "/nonexistent/a.pem", "--tls-key", "/nonexistent/b.pem"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--tls-cert /nonexistent/a.pem: cannot read the file"))
    }

    @Test func theHelpSaysWhichHTTPVersionsTLSOffers() throws {
        let help = try CMOBinary.run(["sim", "--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("With --tls it serves HTTPS, offering HTTP/2 and HTTP/1.1 by ALPN (HTTP/1.1 only with --no-http2)."))
    }
}
