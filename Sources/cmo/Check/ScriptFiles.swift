import Foundation

/// The files `cmo check` reads: each path as given, a directory as the `.lua` files below it (sorted), leaving out
/// hidden files and directories (`.git`, `.build`).
enum ScriptFiles {
    /// A path that is neither a readable file nor a directory.
    struct Unreadable: Error, Sendable, CustomStringConvertible {
        var path: String
        var description: String { "cannot read '\(path)': no such file or directory" }
    }

    static func expand(_ paths: [String]) throws(Unreadable) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Unreadable(path: path)
            }
            guard isDirectory.boolValue else {
                guard FileManager.default.isReadableFile(atPath: path) else { throw Unreadable(path: path) }
                files.append(path)
                continue
            }
            let below = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            let base = path.hasSuffix("/") ? path : path + "/"
            let visible = below.filter { file in
                file.hasSuffix(".lua") && !file.split(separator: "/").contains { $0.hasPrefix(".") }
            }
            files += visible.sorted().map { base + $0 }
        }
        return files
    }
}
