/// Where the daemon's window listens: `--listen HOST:PORT` (`127.0.0.1:9464`, `[::1]:9464`, `0.0.0.0:9464`; port 0
/// lets the system choose).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A host name or an IP address, without brackets.
    public var host: String
    /// 0 to 65535.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; an IPv6 address is written in brackets.
    ///
    /// - Throws: ``WatchError`` saying what is wrong with `text`.
    public init(parsing text: String) throws(WatchError) {
        let bad = { (why: String) in WatchError.badAddress("--listen \(text.debugDescription): \(why); give HOST:PORT, e.g. 127.0.0.1:9464") }
        guard let colon = text.lastIndex(of: ":") else { throw bad("no port") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw bad("an IPv6 address needs its closing bracket") }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw bad("write an IPv6 address in brackets, [::1]:9464")
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { throw bad("no host") }
        guard let port = Int(portText), (0...65_535).contains(port) else { throw bad("the port must be 0 to 65535") }
        self.init(host: host, port: port)
    }

    /// `HOST:PORT`, an IPv6 address in brackets.
    public var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}
