import HTTPTypes
import Hummingbird
import NIOCore

/// `GET monitor/{id}`.
extension SimulatorResponder {
    func getMonitor(_ api: APIRequest, id: String) throws -> Response {
        Self.json(.ok, try monitorBody(monitorID: id, api: api, now: api.now), correlationID: api.correlationID)
    }

    /// The monitor as JSON with `correlationId`, or a 404 problem.
    func monitorBody(monitorID: String, api: APIRequest, now: Int64) throws -> ByteBuffer {
        let found: (Monitor, JSONTemplate?)? = store.read(now: now) { fleet in
            guard let monitor = fleet.monitor(monitorID) else { return nil }
            let subProduct = fleet.position(ofProduct: monitor.productID).flatMap { position -> JSONTemplate? in
                let product = fleet.products[position]
                return fleet.rendered[position].subProducts[SubProduct.split(product.statusSubProductID).subProduct ?? .simCard]
            }
            return (monitor, subProduct)
        }
        guard let (monitor, subProduct) = found else {
            throw Problem.notFound("Monitor with id \(monitorID) not found")
        }
        var writer = JSONWriter(capacity: 2048)
        MonitorRenderer.write(monitor, subProduct: subProduct, into: &writer)
        return Self.topLevel(writer.template, base: api.base, correlationID: api.correlationID)
    }
}
