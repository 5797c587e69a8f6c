import CMOClient
@testable import CMOWorkbench
import Foundation
import Testing

@Suite("CassetteReplayer")
struct CassetteReplayerTests {
    static func line(_ target: String, status: Int, body: String) throws -> String {
        let entry: [String: Any] = [
            "method": "GET", "target": target, "status": status, "headers": [["Content-Type", "application/json"]],
            "body": body, "seconds": 0.01,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: entry), as: UTF8.self)
    }

    static func request(_ target: String) -> Exchange {
        Exchange(method: "GET", target: target, requestBody: nil, status: 0, headers: [], body: [], seconds: 0)
    }

    @Test("answers in recorded order per target, the last one again when used up, 404 for an unknown request")
    func order() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = [
            try Self.line("monitor/1", status: 200, body: #"{"state":"InProgress"}"#),
            try Self.line("product/A-1", status: 200, body: #"{"id":"A-1"}"#),
            try Self.line("monitor/1", status: 200, body: #"{"state":"Completed"}"#),
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        let replayer = try CassetteReplayer(path: path)
        #expect(replayer.count == 3)
        var states: [String] = []
        for _ in 0..<3 {
            let answer = await replayer.respond(to: Self.request("monitor/1"))
            states.append(String(decoding: answer.body, as: UTF8.self))
        }
        #expect(states == [#"{"state":"InProgress"}"#, #"{"state":"Completed"}"#, #"{"state":"Completed"}"#])
        let product = await replayer.respond(to: Self.request("product/A-1"))
        #expect(product.status == 200)
        #expect(product.headers.first?.name == "Content-Type")
        let unknown = await replayer.respond(to: Self.request("product/B-2"))
        #expect(unknown.status == 404)
        #expect(String(decoding: unknown.body, as: UTF8.self).contains("GET product/B-2 is not in the cassette"))
    }

    @Test("the masker replaces a value everywhere once any body names it, with a stand-in of the same length")
    func mask() throws {
        var masker = CassetteMasker(fields: ["ICCID"])
        let listing = CassetteEntry(
            Exchange(
                method: "GET", target: "productInventory?limit=2", requestBody: nil, status: 200, headers: [],
                body: Array(#"{"entities":[{"id":"JASPER-8949201234567890123"}]}"#.utf8), seconds: 0))
        let product = CassetteEntry(
            Exchange(
                method: "GET", target: "product/JASPER-8949201234567890123", requestBody: nil, status: 200,
                headers: [],
                body: Array(#"{"characteristic":[{"name":"ICCID","value":"8949201234567890123"}]}"#.utf8),
                seconds: 0))
        masker.learn(from: listing)
        masker.learn(from: product)
        let maskedListing = masker.mask(listing)
        let maskedProduct = masker.mask(product)
        #expect(!maskedListing.body.contains("8949201234567890123"))
        #expect(!maskedProduct.target.contains("8949201234567890123"))
        #expect(maskedProduct.target == "product/JASPER-0000000000000000001")
        #expect(maskedListing.body.contains("JASPER-0000000000000000001"))
    }
}
