import ArgumentParser
import CMOJournal
import CMOSchedule
import CMOWatch
import Logging

/// `--listen HOST:PORT` of `cmo schedule`: the daemon's window (`/metrics`, `/healthz`, `/readyz`, a status page).
struct WatchOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Serve /metrics (Prometheus), /healthz, /readyz and a status page at / on this address, read-only (off by default; port 0: any free port).",
            valueName: "HOST:PORT"))
    var listen: String?

    func validate() throws {
        guard let listen else { return }
        do {
            _ = try ListenAddress(parsing: listen)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Starts the window for `schedule` when `--listen` was given; an address it cannot listen on exits 2.
    func start(journal: any Journal, schedule: WatchedSchedule, logger: Logger) async throws -> WatchServer? {
        guard let listen else { return nil }
        do {
            let address = try ListenAddress(parsing: listen)
            return try await WatchServer.start(
                WatchConfiguration(address: address), journal: journal, schedule: schedule, logger: logger)
        } catch {
            throw ErrorReport.usage(error.message)
        }
    }
}
