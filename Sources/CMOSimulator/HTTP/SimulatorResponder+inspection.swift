import HTTPTypes
import Hummingbird
import NIOCore

/// The simulator's own endpoints (not part of the CMO API): `GET /_sim/changes` and `GET /_sim/health`.
extension SimulatorResponder {
    func respondToInspection(_ request: Request, path: String, correlationID: String) -> Response {
        let now = nowMillis()
        switch path {
        case "/_sim/changes":
            guard request.method == .get else {
                return Problem.methodNotAllowed(request.method, allowed: "GET").response(instance: path, correlationID: correlationID)
            }
            let changes = store.read(now: now) { fleet in
                fleet.products.map { ($0.id, fleet.appliedChanges[$0.id] ?? 0) }
            }
            var writer = JSONWriter(capacity: changes.count * 40 + 16)
            writer.beginObject()
            for (id, count) in changes { writer.field(id, count) }
            writer.endObject()
            return Self.json(.ok, ByteBuffer(bytes: writer.bytes), correlationID: correlationID)
        case "/_sim/health":
            guard request.method == .get else {
                return Problem.methodNotAllowed(request.method, allowed: "GET").response(instance: path, correlationID: correlationID)
            }
            let count = store.read(now: now) { $0.products.count }
            var writer = JSONWriter()
            writer.beginObject()
            writer.field("status", "UP")
            writer.field("products", count)
            writer.endObject()
            return Self.json(.ok, ByteBuffer(bytes: writer.bytes), correlationID: correlationID)
        default:
            return Problem.notFound("No simulator endpoint at this path.").response(instance: path, correlationID: correlationID)
        }
    }
}
