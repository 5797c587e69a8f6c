import Foundation

/// One sample of a Prometheus text exposition, as Python's `prometheus_client` parser read it.
package struct PrometheusSample: Decodable, Sendable, Equatable {
    /// The metric family (`cmo_runs_started` for `cmo_runs_started_total`).
    package var family: String
    /// `counter`, `gauge`, `histogram`, ...
    package var type: String
    /// The sample's own name (`..._total`, `..._bucket`, `..._sum`, ...).
    package var name: String
    package var labels: [String: String]
    package var value: Double
}

/// `/metrics` read through `scripts/lib/prometheus-samples.py` (Debian `python3-prometheus-client`): a page that
/// the reference parser rejects fails the test.
package enum PrometheusSamples {
    /// What the endpoint served.
    package struct Exposition: Decodable, Sendable {
        package var contentType: String
        package var samples: [PrometheusSample]

        enum CodingKeys: String, CodingKey {
            case contentType = "content_type", samples
        }

        /// The value of sample `name` with exactly `labels`, nil when absent.
        package func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }

        /// The samples named `name`.
        package func all(_ name: String) -> [PrometheusSample] { samples.filter { $0.name == name } }
    }

    /// Fetches and parses `url`.
    package static func fetch(_ url: String) async throws -> Exposition {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/lib/prometheus-samples.py")
        let result = try await ToolProcess.run("/usr/bin/python3", [script.path, url], seconds: 60)
        guard result.status == 0 else {
            throw ToolProcess.Failure(description: "prometheus_client could not read \(url): \(result.stderr)")
        }
        return try JSONDecoder().decode(Exposition.self, from: Data(result.stdout.utf8))
    }
}
