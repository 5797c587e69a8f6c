import CMOJournal
import CMOTestSupport
import CMOWatch
import Foundation
import Testing

/// The status page and a run's page: in a real headless Chromium, and as HTML.
@Suite struct StatusPageTests {
    @Test func chromiumLoadsThePageWithoutConsoleErrorsAndShowsWhatTheJournalHolds() async throws {
        // The console check sees errors: a page that logs one is caught.
        let probe = try await HeadlessChromium.load("data:text/html,<script>console.error('probe-error')</script><p>x</p>")
        #expect(probe.consoleMessages.contains { $0.contains("probe-error") }, "\(probe.consoleMessages)")

        let fixture = try await WatchFixture.make()
        defer { Task { await fixture.server.stop() } }
        let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-watch-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: screenshot) }
        let page = try await HeadlessChromium.load(fixture.server.baseURL + "/", screenshot: screenshot)
        #expect(page.consoleMessages.isEmpty, "\(page.consoleMessages)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.count > 1_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG screenshot")

        let dom = PageDOM(page.dom)
        #expect(dom.cells(ofRowsWith: "data-job", class: "name") == ["nightly": "nightly", "hourly &lt;b&gt;": "hourly &lt;b&gt;"])
        #expect(dom.cells(ofRowsWith: "data-job", class: "exit")["nightly"] == "3")
        #expect(dom.cells(ofRowsWith: "data-job", class: "paused")["hourly &lt;b&gt;"] == "yes")
        #expect(dom.cells(ofRowsWith: "data-job", class: "failures")["hourly &lt;b&gt;"] == "4")
        let runs = try fixture.journal.runs(limit: 50)
        let exits = dom.cells(ofRowsWith: "data-run", class: "exit")
        let counts = dom.counts(ofRowsWith: "data-run")
        #expect(Set(exits.keys) == Set(runs.map(\.id)))
        for run in runs {
            #expect(exits[run.id] == run.exitCode.map { "\($0)" } ?? "-", "\(run.id)")
            let expected = run.exitCode == nil ? try fixture.journal.changeCounts(ofRun: run.id) : run.counts
            #expect(counts[run.id] == expected.filter { $0.value > 0 }, "\(run.id)")
        }
        #expect(page.dom.contains("<meta http-equiv=\"refresh\" content=\"15\">"))
    }

    @Test func aRunsPageListsFailuresFirstWithCorrelationIdsAndEscapesWhatItShows() async throws {
        let fixture = try await WatchFixture.make()
        defer { Task { await fixture.server.stop() } }
        let answer = try await fixture.request("/runs/\(fixture.failedRun)")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "text/html; charset=utf-8")
        let html = answer.body
        let states = html.matches(of: /data-state="([a-z_]+)"/).map { String($0.1) }
        #expect(states == ["failed", "changed"], "failures first")
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"))
        #expect(!html.contains("<script>"), "nothing from the journal runs as script")
        #expect(html.contains("<td class=\"id correlation\">corr-P-5</td>"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"15\">"))
        #expect(!html.contains("<form") && !html.contains("method=\"post\""), "nothing on it changes state")

        let overview = try await fixture.request("/").body
        #expect(overview.contains("<td class=\"name\">hourly &lt;b&gt;</td>"))
        #expect(overview.contains("<td class=\"next\">paused</td>"))
        #expect(overview.contains("<td>Europe/Berlin</td>") && overview.contains("<td>UTC</td>"))
    }
}

/// Reads the rows of the status page's tables from a DOM dump.
struct PageDOM {
    let html: String

    init(_ html: String) { self.html = html }

    /// The rows carrying `attribute` (`data-job`, `data-run`): their attribute's value to the text of their cell of
    /// class `cellClass` (its first class name).
    func cells(ofRowsWith attribute: String, class cellClass: String) -> [String: String] {
        var found: [String: String] = [:]
        for (key, row) in rows(with: attribute) {
            let pattern = "<td class=\"\(cellClass)[^\"]*\">([^<]*)</td>"
            if let match = row.firstMatch(of: try! Regex(pattern)) { found[key] = String(match.output[1].substring ?? "") }
        }
        return found
    }

    /// The change counts of the rows carrying `attribute`: `data-outcome` to the number shown.
    func counts(ofRowsWith attribute: String) -> [String: [String: Int]] {
        var found: [String: [String: Int]] = [:]
        for (key, row) in rows(with: attribute) {
            var counts: [String: Int] = [:]
            for match in row.matches(of: /data-outcome="([a-z_]+)">[a-z_]+ (\d+)</) { counts[String(match.1)] = Int(match.2) }
            found[key] = counts
        }
        return found
    }

    private func rows(with attribute: String) -> [(String, Substring)] {
        html.matches(of: try! Regex("<tr[^>]* \(attribute)=\"([^\"]*)\">(.*?)</tr>").dotMatchesNewlines()).map {
            (String($0.output[1].substring ?? ""), $0.output[2].substring ?? "")
        }
    }
}
