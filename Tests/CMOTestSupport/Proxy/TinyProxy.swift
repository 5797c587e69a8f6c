import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real tinyproxy (Debian's package; `scripts/test` installs it) on a free port of 127.0.0.1, logging at `Info`
/// (every CONNECT) to a file of its own. A missing tinyproxy fails the test that asks for one: it is never skipped.
///
/// ```swift
/// let proxy = try TinyProxy()                      // open to 127.0.0.1
/// let guarded = try TinyProxy(basicAuth: ("alice", "pw"))   // 407 without the credentials
/// let strict = try TinyProxy(connectPorts: [443])  // refuses CONNECT to any other port (403)
/// // proxy.url, proxy.log
/// ```
///
/// The process is ended (by its own pid) when the value goes away, or by ``stop()``.
package final class TinyProxy: @unchecked Sendable {
    /// Why a proxy could not be started.
    package struct StartError: Error, CustomStringConvertible {
        package let description: String
    }

    /// The port it listens on.
    package let port: Int
    /// `http://127.0.0.1:PORT`, without credentials.
    package var url: String { "http://127.0.0.1:\(port)" }
    private let process: Process
    private let directory: URL
    private let logFile: URL

    /// Starts tinyproxy and returns once it accepts connections.
    ///
    /// - Parameters:
    ///   - basicAuth: Require these credentials (tinyproxy answers 407 without them).
    ///   - connectPorts: Allow CONNECT only to these ports; empty: to any.
    package init(basicAuth: (user: String, password: String)? = nil, connectPorts: [Int] = []) throws {
        guard let executable = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            throw StartError(description: "tinyproxy is not installed: run scripts/test (it installs it with apt-get)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-tinyproxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        logFile = directory.appendingPathComponent("tinyproxy.log")
        port = try Self.freePort()
        var lines = [
            "Port \(port)", "Listen 127.0.0.1", "Timeout 60", "LogLevel Info", "MaxClients 200",
            "LogFile \"\(logFile.path)\"", "PidFile \"\(directory.appendingPathComponent("tinyproxy.pid").path)\"",
            "Allow 127.0.0.1",
        ]
        if let basicAuth { lines.append("BasicAuth \(basicAuth.user) \(basicAuth.password)") }
        lines += connectPorts.map { "ConnectPort \($0)" }
        let configuration = directory.appendingPathComponent("tinyproxy.conf")
        try lines.joined(separator: "\n").appending("\n").write(to: configuration, atomically: true, encoding: .utf8)

        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-d", "-c", configuration.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when its port takes a connection (bounded: 10 s).
        for _ in 0..<200 {
            if Self.canConnect(port: port) { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        throw StartError(description: "tinyproxy did not start on port \(port); its log:\n\(log)")
    }

    /// What tinyproxy logged so far (`CONNECT ... Request (file descriptor N): CONNECT host:port HTTP/1.1` per tunnel).
    package var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The `host:port` targets of the CONNECT requests logged so far, in order.
    package var connectTargets: [String] {
        log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "): CONNECT ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }
    }

    /// Ends tinyproxy (SIGKILL to its own pid: a child of the test process may inherit a mask that blocks
    /// SIGTERM) and waits for it.
    package func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port the system has just handed out for 127.0.0.1 (bound to port 0, then released).
    package static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw StartError(description: "bind() to a free port failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
