import CMOSchedule
import Foundation
import HTTPTypes
import Testing

@testable import CMOWatch

/// `WebhookSender` against a real local HTTP receiver: the bodies of each format, retries with back-off on 5xx and
/// none on 4xx, and the URL's secret kept out of every log line.
@Suite struct WebhookSenderTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000.25)

    /// A notification whose text would break naive JSON or Slack markup.
    static let tricky = ScheduleNotification(
        job: #"night"ly <&> \ job"#, event: .failed, runID: "20270115-080000-abcd", exitCode: 1,
        consecutiveFailures: 2, time: time, summary: "job 'night\"ly': run failed\n(exit 1; 2 failures in a row)",
        reason: "w.lua:1: \"bad\" <input>")

    /// Short back-off; an attempt may take its time (on a loaded machine a receiver's answer can take more than half a
    /// second, and an attempt that times out is sent again: the counts below would be off).
    static let quick = WebhookSender.Configuration(
        retry: WebhookRetryPolicy(delays: [.milliseconds(50), .milliseconds(100)]), timeout: .seconds(10))
    /// A short attempt, for a receiver that is down: AsyncHTTPClient keeps trying a refused connection until the
    /// attempt's deadline.
    static let quickToGiveUp = WebhookSender.Configuration(
        retry: WebhookRetryPolicy(delays: [.milliseconds(50), .milliseconds(100)]), timeout: .milliseconds(500))

    func target(_ base: String, _ format: NotifyFormat = .json) throws -> NotifyTarget {
        NotifyTarget(url: try #require(URL(string: "\(base)/services/T0/B0/SECRET-TOKEN?sig=SECRET-SIG")), format: format)
    }

    @Test func theThreeFormatsArriveAsValidJSONWithTheValuesIntact() async throws {
        try await WebhookReceiver.withReceiver { base, log in
            let (logger, _) = CapturedLog.logger()
            let targets = try [target(base, .json), target(base, .slack), target(base, .teams)]
            let sender = WebhookSender(targets: targets, configuration: Self.quick, logger: logger)
            sender.send(Self.tricky)
            await sender.finish(within: .seconds(10))
            let received = log.all
            try #require(received.count == 3)
            #expect(received.allSatisfy { $0.path == "/services/T0/B0/SECRET-TOKEN" })
            let json = try #require(received[0].json)
            #expect(json["job"] as? String == Self.tricky.job)
            #expect(json["event"] as? String == "failed")
            #expect(json["run_id"] as? String == "20270115-080000-abcd")
            #expect(json["exit_code"] as? Int == 1)
            #expect(json["consecutive_failures"] as? Int == 2)
            #expect(json["time"] as? String == "2027-01-15T08:00:00.250Z")
            #expect(json["summary"] as? String == Self.tricky.summary)
            #expect(json["reason"] as? String == #"w.lua:1: "bad" <input>"#)
            let slack = try #require(received[1].json)
            #expect(slack["text"] as? String == "job 'night\"ly': run failed\n(exit 1; 2 failures in a row)")
            let blocks = try #require(slack["blocks"] as? [[String: Any]])
            let section = try #require((blocks.first?["text"] as? [String: Any])?["text"] as? String)
            #expect(section.hasSuffix(#"failures in a row)"# + "\n> " + #"w.lua:1: "bad" &lt;input&gt;"#))
            let context = try #require((blocks.last?["elements"] as? [[String: Any]])?.first?["text"] as? String)
            #expect(context.contains(#"job *night"ly &lt;&amp;&gt; \ job*"#), "Slack's own escaping, then JSON's")
            let teams = try #require(received[2].json)
            #expect(teams["@type"] as? String == "MessageCard")
            #expect(teams["summary"] as? String == Self.tricky.summary)
            let facts = try #require((teams["sections"] as? [[String: Any]])?.first?["facts"] as? [[String: String]])
            #expect(facts.first == ["name": "Job", "value": Self.tricky.job])
            #expect(facts.last == ["name": "Reason", "value": #"w.lua:1: "bad" <input>"#])
        }
    }

    @Test func a503IsRetriedAfterItsBackOffAndThe200Ends() async throws {
        try await WebhookReceiver.withReceiver(answer: { $0 < 2 ? .serviceUnavailable : .ok }) { base, log in
            let (logger, lines) = CapturedLog.logger()
            let sender = WebhookSender(targets: [try target(base)], configuration: Self.quick, logger: logger)
            sender.send(Self.tricky)
            await sender.finish(within: .seconds(10))
            #expect(log.all.count == 3, "503, 503, then 200")
            #expect(lines.all.filter { $0.contains("failed (HTTP 503); retrying") }.count == 2)
            #expect(lines.all.last?.hasPrefix("info webhook sent") == true)
            #expect(lines.all.last?.contains("attempts=3") == true)
            #expect(!lines.all.joined().contains("SECRET"), "\(lines.all)")
            #expect(lines.all.allSatisfy { $0.contains("webhook=http://127.0.0.1:") && $0.contains("/…") })
        }
    }

    @Test func a4xxIsNotRetriedAndAnEndlessOutageGivesUpAfterThreeAttempts() async throws {
        try await WebhookReceiver.withReceiver(answer: { _ in .notFound }) { base, log in
            let (logger, lines) = CapturedLog.logger()
            let sender = WebhookSender(targets: [try target(base)], configuration: Self.quick, logger: logger)
            sender.send(Self.tricky)
            await sender.finish(within: .seconds(10))
            #expect(log.all.count == 1)
            #expect(lines.all.last?.hasPrefix("error webhook not delivered: HTTP 404, not retried") == true)
        }
        try await WebhookReceiver.withReceiver(answer: { _ in .badGateway }) { base, log in
            let (logger, lines) = CapturedLog.logger()
            let sender = WebhookSender(targets: [try target(base)], configuration: Self.quick, logger: logger)
            sender.send(Self.tricky)
            await sender.finish(within: .seconds(10))
            #expect(log.all.count == 3)
            #expect(lines.all.last?.hasPrefix("error webhook not delivered: HTTP 502 after 3 attempts") == true)
        }
    }

    @Test func aReceiverThatIsDownIsRetriedAndTheSecretIsNotLogged() async throws {
        // Port 9 (discard) refuses connections on loopback.
        let (logger, lines) = CapturedLog.logger()
        let sender = WebhookSender(
            targets: [try target("http://127.0.0.1:9")], configuration: Self.quickToGiveUp, logger: logger)
        sender.send(Self.tricky)
        // finish returns once the delivery has given up; the bound only matters on a machine too loaded to get there.
        await sender.finish(within: .seconds(120))
        #expect(lines.all.filter { $0.contains("failed (no answer); retrying") }.count == 2)
        #expect(lines.all.last?.hasPrefix("error webhook not delivered: no answer after 3 attempts") == true)
        #expect(!lines.all.joined().contains("SECRET"))
    }

    @Test func theRetryPolicyByStatus() {
        let policy = WebhookRetryPolicy()
        #expect(policy.decide(attempt: 1, status: 204) == .delivered)
        #expect(policy.decide(attempt: 1, status: 500) == .retry(after: .seconds(1)))
        #expect(policy.decide(attempt: 2, status: nil) == .retry(after: .seconds(4)))
        #expect(policy.decide(attempt: 1, status: 429) == .retry(after: .seconds(1)))
        #expect(policy.decide(attempt: 3, status: 503) == .giveUp(reason: "HTTP 503 after 3 attempts"))
        #expect(policy.decide(attempt: 1, status: 400) == .giveUp(reason: "HTTP 400, not retried"))
    }

    @Test func aFullQueueDropsAndSaysSo() async throws {
        let (logger, lines) = CapturedLog.logger()
        var configuration = Self.quickToGiveUp
        configuration.queueLimit = 1
        configuration.retry = WebhookRetryPolicy(delays: [])
        let sender = WebhookSender(targets: [try target("http://127.0.0.1:9")], configuration: configuration, logger: logger)
        for _ in 0..<5 { sender.send(Self.tricky) }
        await sender.finish(within: .seconds(10))
        #expect(lines.all.contains { $0.hasPrefix("warning webhook queue full; notification dropped") })
    }
}
