import NIOCore
import NIOHTTP1

extension CMOClient {
    /// The sub-product suffixes a PATCH may name; any other id gets `-simCard` added.
    static let subProductSuffixes = ["-simCard", "-dataConnectivity", "-usageVolume-data", "-terminal"]

    /// The sub-product a PATCH of `id` targets: `id` itself when it names one, else the sub-product that carries
    /// the status on `id`'s backend (`id-simCard`, or `id-terminal` for satellite; see ``BackendCatalogue``).
    public static func subProductID(for id: String, backends: BackendCatalogue = .standard) -> String {
        if subProductSuffixes.contains(where: id.hasSuffix) { return id }
        let carrier = backends.profile(forProductID: id)?.statusCarrier ?? "simCard"
        return "\(id)-\(carrier)"
    }

    /// `PATCH product/{id}-simCard` (or `-terminal`) with a JSON Patch (`application/json-patch+json`).
    ///
    /// - Parameters:
    ///   - id: A product id; its status carrier's suffix is added unless it already names a sub-product.
    ///   - ops: The operations, applied by the server all or nothing.
    /// - Returns: `.completed(subProduct)` from a synchronous backend (200), `.accepted(monitor)` from an
    ///   asynchronous one (202).
    /// - Throws: `CMOError`. The PATCH is retried after 429 and 503 (not processed); after a lost connection only
    ///   when every op is `replace` or `test`, else the error is `.outcomeUnknown` and the caller should re-read.
    public func patch(id: String, ops: [JSONPatchOperation]) async throws(CMOError) -> PatchResult {
        let target = Self.subProductID(for: id, backends: configuration.backends)
        let body = JSONValue.array(ops.map(\.json)).serializedBytes()
        let outcome = try await send(
            APIRequest(
                method: .PATCH, path: "product/\(PathEncoding.encodeSegment(target))", body: body,
                contentType: "application/json-patch+json",
                safety: ops.allSatisfy(\.isIdempotent) ? .idempotentChange : .nonIdempotentChange))
        if outcome.status == 202 {
            return .accepted(try monitor(accepted: outcome))
        }
        return .completed(try Self.object(outcome, expecting: "the patched sub-product"))
    }

    /// The monitor of a 202: from the body (a monitor, or an object with its `href`) or the `Location` header.
    private func monitor(accepted outcome: HTTPOutcome) throws(CMOError) -> Monitor {
        if outcome.body.readableBytes > 0 {
            let json = try outcome.json(expecting: "a monitor")
            if json.objectValue != nil, let monitor = try? Monitor(json: json) { return monitor }
            if let link = json.stringValue ?? json["monitor"]?.stringValue ?? json["monitorHref"]?.stringValue,
                let id = Monitor.id(fromLink: link)
            {
                return Monitor(id: id, href: link, state: .inProgress, json: json)
            }
        }
        if let location = outcome.headers.first(name: "Location"), let id = Monitor.id(fromLink: location) {
            return Monitor(id: id, href: location, state: .inProgress)
        }
        throw CMOError(kind: .decoding, message: "a 202 answer named no monitor (no body id, href or Location)")
    }
}
