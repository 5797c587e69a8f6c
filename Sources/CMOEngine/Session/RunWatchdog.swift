import Dispatch

/// Ends the process (exit 4) when a run outlives its timeout by a grace period: a Lua thread stuck inside one C
/// call (a pathological `string.find`) never reaches the budget check that would stop it. Cancelled when the run
/// ends in time.
final class RunWatchdog {
    private let timer: any DispatchSourceTimer

    init(after seconds: Double, console: RunSession.Console) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + seconds)
        timer.setEventHandler {
            console.report("cmo: stopped: the script did not stop after its timeout; exiting")
            console.exit(.stopped)
        }
        timer.resume()
        self.timer = timer
    }

    func cancel() { timer.cancel() }
}
