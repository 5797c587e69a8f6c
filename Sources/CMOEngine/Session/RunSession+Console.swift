#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RunSession {
    /// Where a session's text goes, and how it ends the process when it must not wait (a second signal, the
    /// watchdog). Tests capture the lines instead.
    public struct Console: Sendable {
        /// Writes one line the script printed (without its newline).
        public var printLine: @Sendable (String) -> Void
        /// Writes one line for the operator: diagnostics, the summary, hints (without its newline).
        public var report: @Sendable (String) -> Void
        /// Writes a prompt for the operator (`cmo repl`), with no newline.
        public var prompt: @Sendable (String) -> Void
        /// Ends the process at once with this code.
        public var exit: @Sendable (CMOExitCode) -> Never

        public init(
            printLine: @escaping @Sendable (String) -> Void, report: @escaping @Sendable (String) -> Void,
            prompt: @escaping @Sendable (String) -> Void = { _ in },
            exit: @escaping @Sendable (CMOExitCode) -> Never = { code in Console.exitProcess(code) }
        ) {
            self.printLine = printLine
            self.report = report
            self.prompt = prompt
            self.exit = exit
        }

        /// Standard output and standard error, unbuffered; `exit(3)` of the process.
        public static let standard = Console(
            printLine: { write($0 + "\n", to: 1) }, report: { write($0 + "\n", to: 2) }, prompt: { write($0, to: 2) })

        /// Ends the process with `code`.
        public static func exitProcess(_ code: CMOExitCode) -> Never {
            #if canImport(Glibc)
            Glibc.exit(code.rawValue)
            #else
            Darwin.exit(code.rawValue)
            #endif
        }

        /// Writes `text` whole to `descriptor`.
        static func write(_ text: String, to descriptor: Int32) {
            var text = text
            text.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    #if canImport(Glibc)
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    #else
                    let written = Darwin.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    #endif
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }
}
