import Logging
import NIOCore
import NIOHTTP1

/// Writes `--http-debug` traffic to the logger at `debug` level, with every secret redacted.
struct HTTPDebugLog: Sendable {
    let logger: Logger

    func request(method: HTTPMethod, url: String, headers: HTTPHeaders, body: [UInt8]?) {
        guard logger.logLevel <= .debug else { return }
        let contentType = headers.first(name: "Content-Type")
        var lines = ["--> \(method.rawValue) \(url)"]
        lines += Redactor.redact(headers: headers).map { "    \($0)" }
        if let body, !body.isEmpty {
            lines.append("    " + Redactor.redact(body: body, contentType: contentType))
        }
        logger.debug("\(lines.joined(separator: "\n"))")
    }

    func response(method: HTTPMethod, url: String, outcome: HTTPOutcome, elapsed: Duration) {
        guard logger.logLevel <= .debug else { return }
        let milliseconds = (elapsed.seconds * 10_000).rounded() / 10
        var lines = ["<-- \(outcome.status) \(method.rawValue) \(url) (\(milliseconds) ms)"]
        lines += Redactor.redact(headers: outcome.headers).map { "    \($0)" }
        if outcome.body.readableBytes > 0 {
            lines.append(
                "    "
                    + Redactor.redact(
                        body: Array(outcome.body.readableBytesView),
                        contentType: outcome.headers.first(name: "Content-Type")))
        }
        logger.debug("\(lines.joined(separator: "\n"))")
    }

    func failure(method: HTTPMethod, url: String, failure: TransportFailure, elapsed: Duration) {
        let milliseconds = (elapsed.seconds * 10_000).rounded() / 10
        logger.debug("<-- \(failure.summary) \(method.rawValue) \(url) (\(milliseconds) ms)")
    }
}
