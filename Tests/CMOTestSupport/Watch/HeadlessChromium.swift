import Foundation

/// Debian's `chromium`, headless: loads a page as a person's browser would and reports its DOM, its console
/// messages and a screenshot.
package enum HeadlessChromium {
    /// One page as Chromium loaded it.
    package struct Page: Sendable {
        /// The DOM after loading (`--dump-dom`).
        package var dom: String
        /// Console messages of both loads (`CONSOLE` lines of `--enable-logging=stderr`): errors of scripts,
        /// resources that failed to load, ...
        package var consoleMessages: [String]
    }

    static let executable = "/usr/bin/chromium"

    /// Loads `url` twice: once for its DOM, once for a screenshot into `screenshot` (PNG, 1280x900).
    package static func load(_ url: String, screenshot: String? = nil) async throws -> Page {
        let dump = try await run(["--dump-dom", url])
        guard dump.status == 0 else {
            throw ToolProcess.Failure(description: "chromium --dump-dom \(url) exited \(dump.status): \(dump.stderr.suffix(2_000))")
        }
        var messages = consoleLines(dump.stderr)
        if let screenshot {
            let shot = try await run(["--screenshot=\(screenshot)", "--window-size=1280,900", url])
            guard shot.status == 0 else {
                throw ToolProcess.Failure(description: "chromium --screenshot exited \(shot.status): \(shot.stderr.suffix(2_000))")
            }
            messages += consoleLines(shot.stderr)
        }
        return Page(dom: dump.stdout, consoleMessages: messages)
    }

    private static func run(_ arguments: [String]) async throws -> ToolProcess.Result {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try await ToolProcess.run(
            executable,
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
             "--enable-logging=stderr", "--v=0"] + arguments)
    }

    private static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    }
}
