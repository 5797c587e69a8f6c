import HTTPTypes
import Hummingbird
import NIOCore

/// `PATCH product/{id}-simCard` (or `-terminal`): a status or notes change, synchronous or through a monitor.
extension SimulatorResponder {
    func patchProduct(_ api: APIRequest, id: String) async throws -> Response {
        guard api.token.access == .readWrite else {
            throw Problem(.forbidden, "The access token grants read access only; changes need the rw%connection-management-orchestrator role.")
        }
        let (bundleID, kind) = SubProduct.split(id)
        let position: Int? = store.read(now: api.now) { fleet in
            guard let position = fleet.position(ofProduct: bundleID) else { return nil }
            if let kind, !fleet.products[position].subProducts.contains(kind) { return nil }
            return position
        }
        guard let position else { throw Problem.notFound("Product with id \(id) not found") }
        guard let kind, kind.carriesStatus else {
            throw Problem.methodNotAllowed(.patch, allowed: "GET")
        }
        if Self.hasContentType(api.request, "application/json-patch-query+json") {
            return try await patchCustomProperties(api, id: id, position: position, kind: kind)
        }
        guard Self.hasContentType(api.request, "application/json-patch+json") else {
            throw Problem(
                .unsupportedMediaType,
                "A change takes Content-Type: application/json-patch+json (RFC 6902), or application/json-patch-query+json for custom properties."
            )
        }
        let body = try await collectBody(api)
        let operations: [PatchOperation]
        do {
            operations = try PatchOperation.parseDocument(body)
        } catch {
            throw Problem.badRequest(error.description, errors: error.issues.map { .path($0.path, $0.message) })
        }
        let now = nowMillis()
        let outcome: Result<FleetState.PatchOutcome, FleetState.PatchFailure>
        do {
            outcome = try store.withState(now: now) { fleet in
                fleet.patch(position: position, operations: operations, now: now)
            }
        } catch {
            throw Problem(.serviceUnavailable, "The change could not be stored.")
        }
        switch outcome {
        case .success(.applied(let position)):
            let template = store.read(now: now) { $0.rendered[position].subProducts[kind] }
            guard let template else { throw Problem.notFound("Product with id \(id) not found") }
            return Self.json(.ok, Self.topLevel(template, base: api.base, correlationID: api.correlationID), correlationID: api.correlationID)
        case .success(.accepted(let monitorID)):
            let body = try monitorBody(monitorID: monitorID, api: api, now: now)
            let location = String(decoding: api.base, as: UTF8.self) + "/monitor/" + monitorID
            return Self.json(.accepted, body, correlationID: api.correlationID, headers: [.location: location])
        case .failure(.changeInProgress(let monitorID)):
            throw Problem(.conflict, "A change of \(id) is in progress (monitor \(monitorID)); retry when it has completed.")
        case .failure(.testFailed(let detail)):
            throw Problem(.conflict, detail)
        case .failure(.unprocessable(let detail)):
            throw Problem(.unprocessableContent, detail)
        }
    }

    /// `application/json-patch-query+json`: custom properties, always synchronous.
    private func patchCustomProperties(_ api: APIRequest, id: String, position: Int, kind: SubProduct) async throws -> Response {
        let body = try await collectBody(api)
        let operations: [CustomPropertyOperation]
        do {
            operations = try CustomPropertyOperation.parseDocument(body)
        } catch {
            throw Problem.badRequest(error.description, errors: error.issues.map { .path($0.path, $0.message) })
        }
        let now = nowMillis()
        let template: JSONTemplate?
        do {
            template = try store.withState(now: now) { fleet in
                fleet.patchCustomProperties(position: position, operations: operations, now: now)
                return fleet.rendered[position].subProducts[kind]
            }
        } catch {
            throw Problem(.serviceUnavailable, "The change could not be stored.")
        }
        guard let template else { throw Problem.notFound("Product with id \(id) not found") }
        return Self.json(.ok, Self.topLevel(template, base: api.base, correlationID: api.correlationID), correlationID: api.correlationID)
    }
}
