import ArgumentParser
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The `cmo` command: runs Lua workflows against the CMO API, and the simulator that stands in for it.
@main
struct CMO: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cmo",
        abstract: "Lua workflows for Telekom's T IoT Hub Connection Management Orchestrator (CMO) API.",
        version: CMOVersion.description,
        subcommands: [
            RunCommand.self,
            WorkerCommand.self,
            RunsCommand.self,
            JournalCommand.self,
            ScheduleCommand.self,
            ReplCommand.self,
            CheckCommand.self,
            TestCommand.self,
            SimCommand.self,
            ListCommand.self,
            GetCommand.self,
            PatchCommand.self,
            MonitorCommand.self,
            TokenCommand.self,
        ]
    )

    /// Parses and runs the command; usage errors exit with 2 (argument-parser's default is 64).
    ///
    /// Swift concurrency runs on NIO's event loops (the threads that also serve every HTTP connection, of the
    /// client and of the simulator): a response resumes its waiting task on the thread that read it, with no hop
    /// to a second pool. Nothing in `cmo` blocks a task's thread for long (stdin, the journal's commits, timers and
    /// signals have threads or dispatch queues of their own). `docs/ARCHITECTURE.md` has the measurements.
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileOutput.standardError.write(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
