import Foundation
import Logging

/// Fires scheduled jobs on time: the foreground loop behind `cmo schedule FILE`.
///
/// The daemon knows nothing of how a job runs: it calls the `launcher` with the job and the
/// scheduled fire time and records the ``JobRunOutcome``. Overlap, queueing and pausing are
/// decided by a pure per-job state machine; catch-up at start-up by ``StartupDecision``.
///
/// Lifecycle: ``run()`` loads each job's record, applies catch-up, then sleeps until the next
/// fire, fires, and repeats. ``shutdown(grace:)`` stops firing, waits for in-flight runs (cancelling
/// them after `grace`), and then `run()` returns. Cancelling the task running `run()` is a shutdown
/// with no grace: in-flight launcher tasks are cancelled at once and awaited.
public actor ScheduleDaemon {
    /// Tuning for the daemon; the defaults suit production.
    public struct Configuration: Sendable {
        /// While some job is paused, re-read its record this often so that a resume done by
        /// another process (`cmo schedule resume`) takes effect; nil to never re-read.
        public var pausedRecheckInterval: Duration?
        /// How many unread ``ScheduleEvent``s ``ScheduleDaemon/events`` keeps (the newest).
        public var eventBufferSize: Int

        /// This daemon's name among replicas sharing a store (recorded on the fires it claims).
        public var replica: String
        /// With a store that shares fires: how often this replica proves it is alive for the fires it runs, and
        /// looks for fires of dead replicas to take over (real time: staleness is judged by the store's clock).
        public var heartbeatInterval: Duration
        /// A started fire whose heartbeat is older than this is taken over and resumed by another replica.
        public var staleAfter: Duration

        public init(
            pausedRecheckInterval: Duration? = .seconds(60), eventBufferSize: Int = 1_024,
            replica: String = Configuration.defaultReplicaName, heartbeatInterval: Duration = .seconds(5),
            staleAfter: Duration = .seconds(30)
        ) {
            self.pausedRecheckInterval = pausedRecheckInterval
            self.eventBufferSize = eventBufferSize
            self.replica = replica
            self.heartbeatInterval = heartbeatInterval
            self.staleAfter = staleAfter
        }

        /// `HOST:PID`.
        public static var defaultReplicaName: String {
            "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        }
    }

    /// Runs one fire of a job and reports how it went. Cancellation means "stop now" (shutdown
    /// grace expired); the launcher should still return an outcome.
    public typealias Launcher = @Sendable (_ job: ScheduledJob, _ fireTime: Date) async -> JobRunOutcome
    /// Runs one fire as ``FireLaunch`` describes it (a run id chosen by the shared store, a resume of a dead
    /// replica's run); see ``Launcher``.
    public typealias FireLauncher = @Sendable (FireLaunch) async -> JobRunOutcome

    enum Phase { case idle, running, stopping, stopped }

    let jobs: [ScheduledJob]
    let clock: any ScheduleClock
    let store: any ScheduleStateStore
    let launcher: FireLauncher
    let logger: Logger
    let configuration: Configuration

    /// Everything the daemon does, in order. Ends after ``ScheduleEvent/stopped``.
    public nonisolated let events: AsyncStream<ScheduleEvent>
    let eventSink: AsyncStream<ScheduleEvent>.Continuation

    var phase = Phase.idle
    var states: [String: JobScheduleState] = [:]
    var records: [String: JobRecord] = [:]
    var nextFires: [String: Date] = [:]
    var inFlight: [Int: Task<Void, Never>] = [:]
    var inFlightJobs: [Int: String] = [:]
    var inFlightFires: [Int: Date] = [:]
    /// Whether the store shares fires with other replicas (``ScheduleStateStore/sharesFires``).
    let shared: Bool
    /// Each job's definition hash, by name (shared stores only).
    var definitionHashes: [String: String] = [:]
    var replicaTask: Task<Void, Never>?
    var nextRunToken = 0
    var sleepTask: Task<Void, any Error>?
    var shutdownGrace: Duration?
    var stopWaiters: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - jobs: the jobs to fire; names must be unique (``ScheduleFile`` guarantees it).
    ///   - clock: real time in production, ``ManualScheduleClock`` in tests.
    ///   - store: where each job's ``JobRecord`` is loaded from and saved to.
    ///   - launcher: runs one fire of a job.
    ///   - logger: the daemon adds `job` metadata to it.
    public init(
        jobs: [ScheduledJob],
        clock: any ScheduleClock,
        store: any ScheduleStateStore,
        launcher: @escaping Launcher,
        logger: Logger,
        configuration: Configuration = Configuration()
    ) {
        self.init(
            jobs: jobs, clock: clock, store: store, fireLauncher: { await launcher($0.job, $0.fireTime) }, logger: logger,
            configuration: configuration)
    }

    /// As ``init(jobs:clock:store:launcher:logger:configuration:)``, with a launcher that is told the run id and
    /// what it resumes (schedule replicas).
    public init(
        jobs: [ScheduledJob],
        clock: any ScheduleClock,
        store: any ScheduleStateStore,
        fireLauncher launcher: @escaping FireLauncher,
        logger: Logger,
        configuration: Configuration = Configuration()
    ) {
        self.jobs = jobs
        self.shared = store.sharesFires
        self.clock = clock
        self.store = store
        self.launcher = launcher
        self.logger = logger
        self.configuration = configuration
        (events, eventSink) = AsyncStream.makeStream(
            of: ScheduleEvent.self,
            bufferingPolicy: .bufferingNewest(max(configuration.eventBufferSize, 1))
        )
        for job in jobs {
            states[job.name] = JobScheduleState(overlap: job.overlap, pauseAfterFailures: job.pauseAfterFailures)
            records[job.name] = JobRecord(name: job.name)
            if shared { definitionHashes[job.name] = store.definitionHash(of: job) }
        }
    }

    /// Runs until ``shutdown(grace:)`` or cancellation, then waits for in-flight runs and returns.
    /// Calling it a second time returns at once.
    public func run() async {
        guard phase == .idle else { return }
        phase = .running
        logger.info("scheduler starting", metadata: ["jobs": "\(jobs.count)"])
        await startUp()
        if shared { startReplicaLoop() }
        while phase == .running {
            if Task.isCancelled {
                beginStopping(grace: .zero)
                break
            }
            let wake = nextWake()
            let sleeper = Task { [clock] in try await clock.sleep(until: wake) }
            sleepTask = sleeper
            do {
                try await withTaskCancellationHandler {
                    try await sleeper.value
                } onCancel: {
                    sleeper.cancel()
                }
            } catch {
                // Either our own task was cancelled (stop) or the sleep was interrupted to
                // re-plan (a shutdown or a resume); the loop condition tells which.
                if Task.isCancelled, phase == .running { beginStopping(grace: .zero) }
                continue
            }
            sleepTask = nil
            guard phase == .running else { break }
            await processDueFires()
        }
        await drain()
        replicaTask?.cancel()
    }

    /// Stops firing new runs and waits for in-flight runs to finish; after `grace` (if given) the
    /// remaining launcher tasks are cancelled. Returns once ``run()`` has finished draining.
    public func shutdown(grace: Duration? = nil) async {
        switch phase {
        case .idle:
            phase = .stopped
            finishEvents()
            return
        case .stopped:
            return
        case .running:
            beginStopping(grace: grace)
        case .stopping:
            break
        }
        await withCheckedContinuation { stopWaiters.append($0) }
    }

    /// Un-pauses `name` (clearing its failure count), persists it, and schedules its next fire.
    ///
    /// - Returns: false when there is no such job or it was not paused.
    @discardableResult
    public func resume(job name: String) async -> Bool {
        guard var state = states[name], state.paused, let job = jobs.first(where: { $0.name == name }) else {
            return false
        }
        state.resume()
        states[name] = state
        await markResumed(job)
        return true
    }

    /// Each job's status as of `now`, including runs in flight.
    public func status(now: Date) -> [JobStatus] {
        jobs.map { job in
            let running = inFlightJobs.values.filter { $0 == job.name }.count
            var status = JobStatus(job: job, record: records[job.name], now: now, running: running)
            if states[job.name]?.paused == true { status.nextFireTime = nil }
            return status
        }
    }

    // MARK: Planning

    /// The earliest next fire of an unpaused job, or the paused-recheck time if sooner.
    private func nextWake() -> Date {
        var wake = nextFires.values.min() ?? .distantFuture
        if let interval = configuration.pausedRecheckInterval, states.values.contains(where: \.paused) {
            wake = min(wake, clock.now().addingTimeInterval(interval.seconds))
        }
        return wake
    }

    func jobLogger(_ name: String) -> Logger {
        var logger = self.logger
        logger[metadataKey: "job"] = "\(name)"
        return logger
    }

    func emit(_ event: ScheduleEvent) {
        eventSink.yield(event)
    }

    func finishEvents() {
        eventSink.yield(.stopped)
        eventSink.finish()
    }

    func persist(_ name: String) async {
        guard let record = records[name] else { return }
        if shared {
            await persistShared(record)
            return
        }
        do {
            try await store.save(record)
        } catch {
            jobLogger(name).error("could not save schedule state", metadata: ["error": "\(error)"])
        }
    }
}
