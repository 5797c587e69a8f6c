import CMOSimulator
import Foundation
import NIOHTTP1
import Testing

/// Replays the tutorial's five steps with the system `curl`, with the tutorial's methods, paths, query strings
/// and headers, and checks each answer field for field against the shapes the tutorial shows.
@Suite struct TutorialReplayTests {
    /// Runs curl with the step's request; returns the HTTP status and the parsed body.
    static func curl(_ step: TutorialFixtures.Step, variables: [String: String]) throws -> (status: Int, body: Any?) {
        func fill(_ text: String) -> String {
            var text = text
            // Longest names first so that $PRODUCT_ID does not eat part of another name.
            for (name, value) in variables.sorted(by: { $0.key.count > $1.key.count }) {
                text = text.replacingOccurrences(of: "${\(name)}", with: value).replacingOccurrences(of: "$\(name)", with: value)
            }
            return text
        }
        var arguments = ["--silent", "--show-error", "--location"]
        if step.method != "GET" { arguments += ["--request", step.method] }
        arguments.append(fill(step.url))
        for header in step.headers { arguments += ["--header", fill(header)] }
        if let body = step.body { arguments += ["--data", body] }
        arguments += ["--write-out", "\n%{http_code}"]
        let output = try run(arguments)
        guard let newline = output.lastIndex(of: "\n"), let status = Int(output[output.index(after: newline)...]) else {
            throw HarnessError("curl printed no status: \(output)")
        }
        let body = String(output[..<newline])
        return (status, try? JSONSerialization.jsonObject(with: Data(body.utf8)))
    }

    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("curl exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func tutorialStepsReplayedWithCurl() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 300, seed: 7, asyncDelayMilliseconds: 600_000)
        try await SimulatorHarness.with(configuration) { h in
            // The token, fetched with curl as the prerequisite tutorial does.
            let tokenOutput = try Self.run([
                "--silent", "--location", "--request", "POST", h.sim.authURL,
                "--header", "Content-Type: application/x-www-form-urlencoded",
                "--data-urlencode", "grant_type=client_credentials", "--data-urlencode", "client_id=\(h.sim.defaultClient.id)",
                "--data-urlencode", "client_secret=\(h.sim.defaultClient.secret)", "--data-urlencode", "scope=openid",
            ])
            let tokenBody = try #require(try JSONSerialization.jsonObject(with: Data(tokenOutput.utf8)) as? [String: Any])
            let token = try #require(tokenBody["access_token"] as? String)
            var variables = ["API_URL": h.sim.apiURL, "TENANT": h.sim.defaultTenant, "ACCESS_TOKEN": token]

            // Step 1.
            let list = try Self.curl(TutorialFixtures.listProducts, variables: variables)
            #expect(list.status == 200)
            try ShapeMatcher.expect(list.body, matches: TutorialFixtures.listShape)
            let entities = (list.body as? [String: Any])?["entities"] as? [[String: Any]] ?? []
            #expect(entities.count == 10)

            // Step 2: a synchronous (JASPER) product that is INACTIVE.
            let jasper = try h.product { $0.backend == .jasper && $0.status == "INACTIVE" }
            variables["PRODUCT_ID"] = jasper.id
            let href = h.tenantURL + "/product/" + jasper.id
            let details = try Self.curl(TutorialFixtures.productDetails, variables: variables)
            #expect(details.status == 200)
            try ShapeMatcher.expect(details.body, matches: TutorialFixtures.bundleShape(
                id: jasper.id, href: href, system: "JASPER", connectivity: "CELLULAR", status: "INACTIVE"
            ))

            // Step 3: synchronous activation, then the check with step 2's request.
            let activated = try Self.curl(TutorialFixtures.activate, variables: variables)
            #expect(activated.status == 200)
            try ShapeMatcher.expect(activated.body, matches: TutorialFixtures.simCardShape(
                id: jasper.id + "-simCard", href: href + "-simCard", status: "ACTIVE", withCorrelation: true
            ))
            let check = try Self.curl(TutorialFixtures.productDetails, variables: variables)
            try ShapeMatcher.expect(check.body, matches: TutorialFixtures.bundleShape(
                id: jasper.id, href: href, system: "JASPER", connectivity: "CELLULAR", status: "ACTIVE"
            ))

            // Step 4: asynchronous activation (TMSP) answers a monitor.
            let tmsp = try h.product { $0.backend == .tmsp && $0.status == "INACTIVE" }
            variables["PRODUCT_ID"] = tmsp.id
            let accepted = try Self.curl(TutorialFixtures.activate, variables: variables)
            #expect(accepted.status == 202)
            let monitorID = try #require((accepted.body as? [String: Any])?["id"] as? String)
            let monitorShape = TutorialFixtures.monitorShape(
                id: monitorID, href: h.tenantURL + "/monitor/" + monitorID,
                sourceHref: h.tenantURL + "/product/" + tmsp.id + "-simCard", state: "InProgress"
            )
            try ShapeMatcher.expect(accepted.body, matches: monitorShape)
            #expect(monitorID.hasPrefix(tmsp.identifier + "-"))

            // Step 5: the monitor, still in progress; the product shows the pending status.
            variables["MONITOR_ID"] = monitorID
            let monitor = try Self.curl(TutorialFixtures.monitor, variables: variables)
            #expect(monitor.status == 200)
            try ShapeMatcher.expect(monitor.body, matches: monitorShape)
            let pending = try Self.curl(TutorialFixtures.productDetails, variables: variables)
            #expect((pending.body as? [String: Any])?["status"] as? String == "PENDING_ACTIVE")
        }
    }

    @Test func shapeMatcherCatchesMismatches() throws {
        let shape = #"{"a": "<digits>", "b": ["<each>", {"c": true}], "d": 2}"#
        func count(_ json: String) throws -> Int {
            try ShapeMatcher.mismatches(try JSONSerialization.jsonObject(with: Data(json.utf8)), shape).count
        }
        #expect(try count(#"{"a": "123", "b": [{"c": true}], "d": 2}"#) == 0)
        #expect(try count(#"{"a": "12x", "b": [{"c": true}], "d": 2}"#) == 1)
        #expect(try count(#"{"a": "1", "b": [], "d": 2}"#) == 1)
        #expect(try count(#"{"a": "1", "b": [{"c": 1}], "d": 2}"#) == 1)
        #expect(try count(#"{"a": "1", "b": [{"c": true}], "d": 2, "e": 1}"#) == 1)
        #expect(try count(#"{"a": "1", "b": [{"c": true}]}"#) == 1)
        #expect(try count(#"{"a": "1", "b": [{"c": true}], "d": 3}"#) == 1)
    }
}
