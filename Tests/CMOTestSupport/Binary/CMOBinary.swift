import Foundation

/// The `cmo` executable of this build, run as a child process.
///
/// The binary is the one `swift build --build-tests` puts in `swift build --show-bin-path`, next to the test
/// bundle. When it is missing, every function here throws ``CommandError/binaryNotFound(searched:)``: a test that
/// needs the binary fails with that message instead of being skipped.
package enum CMOBinary {
    /// The `cmo` executable.
    ///
    /// - Throws: ``CommandError/binaryNotFound(searched:)`` when it is not built.
    package static func url() throws(CommandError) -> URL {
        try located.get()
    }

    /// Runs `cmo arguments...` to its end and returns what it did.
    ///
    /// - Parameters:
    ///   - environment: The child's whole environment; `nil` passes this process's environment on.
    ///   - directory: The working directory; `nil` keeps this process's.
    ///   - input: Written to the child's standard input, which is then closed; `nil` gives it `/dev/null`.
    ///   - timeout: How long the run may take; then the child is killed and the call throws.
    /// - Throws: ``CommandError`` when the binary is missing, cannot start, or outlives `timeout`.
    package static func run(
        _ arguments: [String], environment: [String: String]? = nil, in directory: String? = nil,
        input: String? = nil, timeout: Duration = .seconds(300)
    ) throws(CommandError) -> CommandResult {
        try start(arguments, environment: environment, in: directory, input: input).wait(timeout: timeout)
    }

    /// Starts `cmo arguments...` and returns at once; the caller reads its output, signals it, and waits for it.
    /// Parameters as for ``run(_:environment:in:input:timeout:)``.
    ///
    /// - Throws: ``CommandError`` when the binary is missing or cannot start.
    package static func start(
        _ arguments: [String], environment: [String: String]? = nil, in directory: String? = nil,
        input: String? = nil
    ) throws(CommandError) -> RunningCommand {
        try RunningCommand(
            executable: try url(), arguments: arguments, environment: environment, directory: directory, input: input)
    }

    /// The places looked at, in order: the directory of the running test bundle (the build's bin path), then
    /// `.build/debug` of the package this file belongs to.
    static var candidates: [URL] {
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL {
            directories.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // Where an `.xctest` bundle is a directory loaded by a host tool, the bin path is the bundle's parent.
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // This file is <root>/Tests/CMOTestSupport/Binary/CMOBinary.swift.
        let packageRoot = (0..<4).reduce(URL(fileURLWithPath: #filePath)) { url, _ in url.deletingLastPathComponent() }
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        return directories.map { $0.appendingPathComponent("cmo") }
    }

    private static let located: Result<URL, CommandError> = {
        let candidates = Self.candidates
        let found = candidates.first { candidate in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory)
                && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: candidate.path)
        }
        if let found {
            return .success(found)
        }
        return .failure(.binaryNotFound(searched: candidates.map(\.path)))
    }()
}
