import CMOClient
import Foundation
import Synchronization

/// Serves a cassette back (`cmo run --replay FILE`): each request gets the next recorded answer for its method and
/// target, in the order they were recorded; once those are used up, the last one again (a monitor polled more
/// often than when recorded). A request the cassette never saw gets a 404 problem naming it.
public final class CassetteReplayer: ExchangeResponder {
    private let answers: Mutex<[String: (entries: [CassetteEntry], next: Int)]>
    /// How many exchanges the cassette holds.
    public let count: Int

    /// Why a cassette cannot be read.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws(ReadError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ReadError(description: "cannot read the cassette \(path): \(error.localizedDescription)")
        }
        var answers: [String: (entries: [CassetteEntry], next: Int)] = [:]
        var count = 0
        let decoder = JSONDecoder()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let entry = try? decoder.decode(CassetteEntry.self, from: Data(line.utf8)) else {
                throw ReadError(description: "\(path):\(number + 1): not a cassette entry")
            }
            answers[entry.key, default: ([], 0)].entries.append(entry)
            count += 1
        }
        self.answers = Mutex(answers)
        self.count = count
    }

    public func respond(to request: Exchange) async -> Exchange {
        let key = request.method + " " + request.target
        let entry: CassetteEntry? = answers.withLock { answers in
            guard var queue = answers[key], !queue.entries.isEmpty else { return nil }
            let entry = queue.entries[min(queue.next, queue.entries.count - 1)]
            queue.next += 1
            answers[key] = queue
            return entry
        }
        if let entry { return entry.exchange }
        let detail = "\(key) is not in the cassette"
        let body = #"{"status":404,"title":"Not in the cassette","detail":"# + Self.jsonString(detail) + "}"
        return Exchange(
            method: request.method, target: request.target, requestBody: request.requestBody, status: 404,
            headers: [("Content-Type", "application/problem+json")], body: Array(body.utf8), seconds: 0)
    }

    private static func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
