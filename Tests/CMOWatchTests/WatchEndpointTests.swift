import CMOJournal
import CMOTestSupport
import CMOWatch
import Foundation
import Logging
import Testing

/// `/healthz`, `/readyz`, read-only methods and `--listen` addresses, against a real server on a free port.
@Suite struct WatchEndpointTests {
    @Test func healthzIsUpAndReadyzWaitsForTheScheduleThenReadsTheJournal() async throws {
        let fixture = try await WatchFixture.make(ready: false)
        defer { Task { await fixture.server.stop() } }
        let health = try await fixture.request("/healthz")
        #expect(health.status == 200 && health.body == "ok\n")
        let early = try await fixture.request("/readyz")
        #expect(early.status == 503, "not ready before the daemon runs")
        #expect(early.body == "not ready: the schedule is not running\n")
        fixture.server.readiness.markReady()
        let ready = try await fixture.request("/readyz")
        #expect(ready.status == 200 && ready.body == "ready\n")

        // Another process breaks the journal (sqlite3 through Python): not ready, and says why.
        let broken = try await ToolProcess.run(
            "/usr/bin/python3",
            ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('DROP TABLE schedule_job'); c.commit()",
             fixture.journal.path])
        #expect(broken.status == 0, "\(broken.stderr)")
        let unreadable = try await fixture.request("/readyz")
        #expect(unreadable.status == 503)
        #expect(unreadable.body.hasPrefix("not ready: cannot read the journal at \(fixture.journal.path)"), "\(unreadable.body)")
        #expect(try await fixture.request("/healthz").status == 200, "the process is still up")
    }

    @Test func everyMethodButGetIsRefusedWith405() async throws {
        let fixture = try await WatchFixture.make()
        defer { Task { await fixture.server.stop() } }
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            for path in ["/", "/metrics", "/runs/\(fixture.goodRun)", "/readyz", "/nowhere"] {
                let answer = try await fixture.request(path, method: method)
                #expect(answer.status == 405, "\(method) \(path)")
                #expect(answer.headers["allow"] == "GET")
            }
        }
        #expect(try await fixture.request("/nowhere").status == 404)
        let missing = try await fixture.request("/runs/19990101-000000-0000")
        #expect(missing.status == 404)
        #expect(missing.body.contains("No run 19990101-000000-0000 in the journal."))
    }

    @Test func listenAddressesParseOrSayWhatIsWrong() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:9464") == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(try ListenAddress(parsing: "[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(try ListenAddress(parsing: "localhost:80").description == "localhost:80")
        #expect(try ListenAddress(parsing: "[::1]:9464").description == "[::1]:9464")
        let bad = [
            "9464": "no port", "127.0.0.1": "no port", ":9464": "no host", "127.0.0.1:http": "the port must be 0 to 65535",
            "127.0.0.1:70000": "the port must be 0 to 65535", "::1:9464": "write an IPv6 address in brackets, [::1]:9464",
            "[::1:9464": "an IPv6 address needs its closing bracket",
        ]
        for (text, why) in bad {
            #expect {
                try ListenAddress(parsing: text)
            } throws: { error in
                (error as? WatchError)?.message
                    == "--listen \(text.debugDescription): \(why); give HOST:PORT, e.g. 127.0.0.1:9464"
            }
        }
    }

    @Test func aTakenPortIsAnErrorSayingSo() async throws {
        let first = try await WatchFixture.make()
        defer { Task { await first.server.stop() } }
        await #expect {
            _ = try await WatchFixture.make(port: first.server.port)
        } throws: { error in
            guard let error = error as? WatchError else { return false }
            return error.code == .cannotListen && error.message.hasPrefix("cannot listen on 127.0.0.1:\(first.server.port) (--listen): ")
                && error.message.contains("Address already in use")
        }
    }
}
