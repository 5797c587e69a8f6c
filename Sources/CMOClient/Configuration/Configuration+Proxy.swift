import Foundation

extension Configuration {
    /// Outbound proxies as curl reads them: one for `https://` targets, one for `http://` targets, and hosts that
    /// go direct. The API and the token endpoint may be on different hosts: each gets its own choice.
    public struct Proxy: Sendable, Equatable {
        /// The proxy for `https://` URLs (`--proxy`, `HTTPS_PROXY`, `https_proxy`, profile `proxy`); requests are
        /// tunnelled with CONNECT, so the proxy sees host names only, never paths, headers or bodies.
        public var https: ProxyServer?
        /// The proxy for `http://` URLs (`--proxy`, `http_proxy`, `HTTP_PROXY`, profile `proxy`).
        public var http: ProxyServer?
        /// Hosts reached directly (`NO_PROXY`, `no_proxy`, `--no-proxy`, profile `no_proxy`).
        public var noProxy: NoProxy

        /// No proxy at all (the default).
        public init(https: ProxyServer? = nil, http: ProxyServer? = nil, noProxy: NoProxy = NoProxy("")) {
            self.https = https
            self.http = http
            self.noProxy = noProxy
        }

        /// The same proxy for both schemes.
        public init(all server: ProxyServer?, noProxy: NoProxy = NoProxy("")) {
            self.init(https: server, http: server, noProxy: noProxy)
        }

        /// The proxy a request to `url` goes through, `nil` for a direct connection.
        public func server(for url: String) -> ProxyServer? {
            guard let components = URLComponents(string: url), let host = components.host else { return nil }
            let scheme = components.scheme?.lowercased() ?? "https"
            let port = components.port ?? (scheme == "http" ? 80 : 443)
            guard let server = scheme == "http" ? http : https else { return nil }
            return noProxy.matches(host: host, port: port) ? nil : server
        }

        /// Reads the environment as curl does: lower case before upper case (`https_proxy`, `HTTPS_PROXY`,
        /// `http_proxy`, `HTTP_PROXY`, `no_proxy`, `NO_PROXY`); an empty value counts as unset.
        public static func fromEnvironment(_ environment: [String: String]) throws(CMOError) -> Proxy {
            func value(_ names: String...) -> (name: String, value: String)? {
                for name in names {
                    if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                        return (name, value)
                    }
                }
                return nil
            }
            var proxy = Proxy()
            if let (name, text) = value("https_proxy", "HTTPS_PROXY") { proxy.https = try ProxyServer(text, setting: name) }
            if let (name, text) = value("http_proxy", "HTTP_PROXY") { proxy.http = try ProxyServer(text, setting: name) }
            if let (_, text) = value("no_proxy", "NO_PROXY") { proxy.noProxy = NoProxy(text) }
            return proxy
        }
    }
}

/// An HTTP proxy: `http://[user[:password]@]host[:port]` (port 1080 when none is given, as curl). Its
/// `description` never shows the password.
public struct ProxyServer: Sendable, Hashable, CustomStringConvertible {
    /// The proxy's host name or address.
    public var host: String
    /// The proxy's port.
    public var port: Int
    /// The user of HTTP Basic proxy authentication, from the URL.
    public var username: String?
    /// The password of proxy authentication, from the URL.
    public var password: Secret?

    public init(host: String, port: Int, username: String? = nil, password: Secret? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// Parses a proxy URL; a URL without a scheme is taken as `http://` (as curl does).
    ///
    /// - Parameter setting: The flag, variable or key it came from, for the error message.
    /// - Throws: A `.configuration` error for an unusable URL (its password redacted), or for an `https://` or
    ///   SOCKS proxy, which the client cannot use.
    public init(_ text: String, setting: String = "proxy") throws(CMOError) {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else {
            throw CMOError.invalidSetting(setting, "expected http://[user:password@]host:port, got '\(Self.redacted(text))'")
        }
        guard components.scheme?.lowercased() == "http" else {
            throw CMOError.invalidSetting(
                setting, "only http:// proxies are supported (HTTPS is tunnelled through them with CONNECT), got "
                    + "'\(Self.redacted(text))'")
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 1080
        self.username = components.user?.removingPercentEncoding ?? components.user
        self.password = (components.password?.removingPercentEncoding ?? components.password).map(Secret.init)
    }

    /// `http://user:***@host:port`, or `http://host:port` without credentials.
    public var description: String {
        let credentials = username.map { "\($0)\(password == nil ? "" : ":***")@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(credentials)\(shownHost):\(port)"
    }

    /// A proxy URL with the password (between `user:` and `@`) replaced by `***`, for messages about bad URLs.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        guard let colon = text[start..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}

/// Hosts that bypass the proxy, as curl's `NO_PROXY`: comma- or space-separated entries; `*` alone matches every
/// host; `example.com` or `.example.com` matches that domain and its subdomains (at a dot, so `badexample.com` is
/// not matched); an IP address matches itself, `10.0.0.0/8` an IPv4 or IPv6 range; `host:port` only that port.
/// Case does not matter.
public struct NoProxy: Sendable, Hashable, CustomStringConvertible {
    private struct Entry: Hashable {
        var host: String
        var port: Int?
        var prefixLength: Int?
    }

    private let entries: [Entry]
    private let matchesAll: Bool
    /// The list as given.
    public let description: String

    public init(_ list: String) {
        description = list
        var entries: [Entry] = []
        var all = false
        for raw in list.split(whereSeparator: { $0 == "," || $0 == " " }) {
            var item = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if item == "*" {
                all = true
                continue
            }
            var port: Int?
            var prefixLength: Int?
            if item.hasPrefix("["), let close = item.firstIndex(of: "]") {
                // [v6] or [v6]:port
                let rest = item[item.index(after: close)...]
                if rest.hasPrefix(":") { port = Int(rest.dropFirst()) }
                item = String(item[item.index(after: item.startIndex)..<close])
            } else if item.filter({ $0 == ":" }).count == 1, let colon = item.firstIndex(of: ":") {
                port = Int(item[item.index(after: colon)...])
                item = String(item[..<colon])
            }
            if let slash = item.firstIndex(of: "/") {
                prefixLength = Int(item[item.index(after: slash)...])
                item = String(item[..<slash])
            }
            while item.hasPrefix(".") { item.removeFirst() }
            if item.hasPrefix("*.") { item.removeFirst(2) }
            while item.hasSuffix(".") { item.removeLast() }
            if !item.isEmpty { entries.append(Entry(host: item, port: port, prefixLength: prefixLength)) }
        }
        self.entries = entries
        self.matchesAll = all
    }

    /// Whether a request to `host:port` goes direct.
    public func matches(host rawHost: String, port: Int) -> Bool {
        if matchesAll { return true }
        var host = rawHost.lowercased()
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        while host.hasSuffix(".") { host.removeLast() }
        let address = Self.addressBytes(host)
        for entry in entries {
            if let wanted = entry.port, wanted != port { continue }
            if let address, let network = Self.addressBytes(entry.host) {
                guard network.count == address.count else { continue }
                let bits = min(entry.prefixLength ?? network.count * 8, network.count * 8)
                if Self.samePrefix(address, network, bits: bits) { return true }
            } else if host == entry.host || host.hasSuffix("." + entry.host) {
                return true
            }
        }
        return false
    }

    private static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    private static func samePrefix(_ a: [UInt8], _ b: [UInt8], bits: Int) -> Bool {
        var remaining = bits
        for index in a.indices where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if a[index] & mask != b[index] & mask { return false }
            remaining -= take
        }
        return true
    }
}
