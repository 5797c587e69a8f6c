import Foundation
import Logging

/// `cmo test`: finds test files and runs them, several at a time, each in its own Lua state.
public struct TestSuite: Sendable {
    /// The files, in the order they were found.
    public var files: [String]

    /// Why the paths given do not make a suite (exit 2).
    public struct PathError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The test files under `paths`: a file is taken as it is, a directory is searched for `*_test.lua` (hidden
    /// directories skipped), in name order. No paths: the working directory.
    public init(paths: [String]) throws(PathError) {
        var files: [String] = []
        for path in paths.isEmpty ? ["."] : paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PathError(description: "no such file or directory: \(path)")
            }
            if isDirectory.boolValue {
                files += Self.testFiles(under: path)
            } else {
                files.append(path)
            }
        }
        self.files = files
    }

    static func testFiles(under directory: String) -> [String] {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        guard
            let enumerator = FileManager.default.enumerator(
                at: URL(fileURLWithPath: base), includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
        else { return [] }
        let root = URL(fileURLWithPath: base).standardizedFileURL.path
        var found: [String] = []
        for case let url as URL in enumerator where url.lastPathComponent.hasSuffix("_test.lua") {
            let full = url.standardizedFileURL.path
            let relative = full.hasPrefix(root + "/") ? String(full.dropFirst(root.count + 1)) : full
            found.append(base == "." ? relative : base + "/" + relative)
        }
        return found.sorted()
    }

    /// Runs every file with `runner`, at most `jobs` at a time; results in the files' order.
    public func run(with runner: TestFileRunner, jobs: Int) async -> [TestFileResult] {
        await withTaskGroup(of: (Int, TestFileResult).self) { group in
            var results = [TestFileResult?](repeating: nil, count: files.count)
            var next = 0
            func startNext() {
                guard next < files.count else { return }
                let index = next
                let file = files[index]
                next += 1
                group.addTask { (index, await runner.run(file)) }
            }
            for _ in 0..<max(1, jobs) { startNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                startNext()
            }
            return results.compactMap { $0 }
        }
    }
}
