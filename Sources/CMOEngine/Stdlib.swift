import LuaKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the Lua modules shipped with the engine (`stdlib/`) are.
public enum Stdlib {
    /// `$CMO_STDLIB` when set; else the nearest `stdlib/` (one holding `README.md`) beside or above the running
    /// executable (a build tree sits inside the checkout); else `PREFIX/share/cmo/stdlib` for an executable installed
    /// as `PREFIX/bin/cmo` (`scripts/install`); else `stdlib` relative to the working directory.
    ///
    /// The executable's path is its real path (`/proc/self/exe`: symbolic links resolved), so a link such as
    /// `/usr/bin/cmo -> /opt/cmo/bin/cmo` finds `/opt/cmo/share/cmo/stdlib`, from any directory, as any user.
    public static func defaultPath() -> String {
        let override = getenv("CMO_STDLIB").map { String(cString: $0) }
        return path(override: override, executable: executablePath()) { directory in
            LuaSourceFile.read(directory + "/README.md") != nil
        }
    }

    /// The choice ``defaultPath()`` makes, given `$CMO_STDLIB`, the executable's real path and a test for a stdlib
    /// directory (one holding `README.md`).
    static func path(override: String?, executable: String?, isStdlib: (String) -> Bool) -> String {
        if let override, !override.isEmpty { return override }
        guard let executable, let slash = executable.lastIndex(of: "/") else { return "stdlib" }
        let executableDirectory = String(executable[..<slash])
        var directory = executable
        while let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            directory = String(directory[..<slash])
            let candidate = directory + "/stdlib"
            if isStdlib(candidate) { return candidate }
        }
        let installed = executableDirectory + "/../share/cmo/stdlib"
        if isStdlib(installed) { return normalized(installed) }
        return "stdlib"
    }

    /// The running executable's real path, or nil where `/proc` is missing.
    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `/opt/cmo/bin/../share/cmo/stdlib` as `/opt/cmo/share/cmo/stdlib` (for messages and `package.path`).
    private static func normalized(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == ".." { if !components.isEmpty { components.removeLast() } } else if component != "." {
                components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}
