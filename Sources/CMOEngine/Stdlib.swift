import LuaKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the Lua modules shipped with the engine (`stdlib/`) are.
public enum Stdlib {
    /// `$CMO_STDLIB` when set; else the nearest `stdlib/` (one holding `README.md`) beside or above the running
    /// executable (a build tree sits inside the checkout); else `stdlib` relative to the working directory.
    public static func defaultPath() -> String {
        if let override = getenv("CMO_STDLIB").map({ String(cString: $0) }), !override.isEmpty { return override }
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            var directory = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            while let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
                directory = String(directory[..<slash])
                let candidate = directory + "/stdlib"
                if LuaSourceFile.read(candidate + "/README.md") != nil { return candidate }
            }
        }
        return "stdlib"
    }
}
