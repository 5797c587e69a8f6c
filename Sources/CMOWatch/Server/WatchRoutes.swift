import CMOJournal
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// The window's routes, all GET (``ReadOnlyMiddleware`` answers other methods with 405).
struct WatchRoutes: Sendable {
    let journal: any Journal
    let schedule: WatchedSchedule
    let readiness: Readiness
    let metrics: WatchMetrics
    let ledger: RunLedger
    let page: StatusPage
    let logger: Logger

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ReadOnlyMiddleware())
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        router.get("/readyz") { _, _ in await readyz() }
        router.get("/metrics") { _, _ in await self.metricsResponse() }
        router.get("/") { _, _ in await overview() }
        router.get("/runs/{id}") { _, context in await runPage(context.parameters.get("id") ?? "") }
        return router
    }

    private func readyz() async -> Response {
        guard readiness.isReady else { return Self.text(.serviceUnavailable, "not ready: the schedule is not running\n") }
        do {
            try await journal.probe()
        } catch {
            return Self.text(.serviceUnavailable, "not ready: \(error.message)\n")
        }
        return Self.text(.ok, "ready\n")
    }

    private func metricsResponse() async -> Response {
        do {
            try await ledger.refresh()
        } catch {
            logger.error("/metrics: cannot read the journal", metadata: ["error": "\(error)"])
            return Self.text(.serviceUnavailable, "cannot read the journal: \(error.message)\n")
        }
        metrics.update(await schedule.statuses(Date()))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        metrics.registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    private func overview() async -> Response {
        do {
            return Self.html(.ok, try await page.overview(now: Date()))
        } catch {
            logger.error("status page: cannot read the journal", metadata: ["error": "\(error)"])
            return Self.text(.serviceUnavailable, "cannot read the journal: \(error.message)\n")
        }
    }

    private func runPage(_ id: String) async -> Response {
        do {
            guard let html = try await page.run(id, now: Date()) else {
                return Self.html(.notFound, page.missing("No run \(id) in the journal.", now: Date()))
            }
            return Self.html(.ok, html)
        } catch {
            logger.error("run page: cannot read the journal", metadata: ["error": "\(error)"])
            return Self.text(.serviceUnavailable, "cannot read the journal: \(error.message)\n")
        }
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ status: HTTPResponse.Status, _ html: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
