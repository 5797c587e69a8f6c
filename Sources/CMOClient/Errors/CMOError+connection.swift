import Foundation

extension CMOError {
    /// A connection failed for a reason a person must fix: a `.configuration` error (exit 2), never retried.
    ///
    /// - Parameters:
    ///   - host: The host the request was for; `port` its port.
    ///   - proxy: The proxy in use, shown without its password.
    ///   - caFile: The extra CA bundle in use, if any.
    ///   - finding: For an unverified certificate, what the probe saw.
    static func connection(
        _ problem: ConnectionProblem, request: String, host: String, port: Int, proxy: ProxyServer?,
        caFile: String?, finding: TLSDiagnosis.Finding = .unknown, attempts: Int
    ) -> CMOError {
        let message: String
        let formatter = ISO8601DateFormatter()
        switch problem {
        case .certificateNotVerified:
            switch finding {
            case .expired(let date):
                message = "certificate for \(host) expired on \(formatter.string(from: date)): the server must renew it"
            case .notYetValid(let date):
                message =
                    "certificate for \(host) is not valid before \(formatter.string(from: date)): check this machine's "
                    + "clock"
            case .untrusted:
                message =
                    "certificate for \(host) is not trusted: give --ca-file"
                    + (caFile.map { " (\($0) does not hold the CA that signed it)" } ?? " with the CA that signed it")
            case .unknown:
                message =
                    "certificate for \(host) is not trusted or not valid now: give --ca-file"
                    + (caFile.map { " (\($0) does not verify it)" } ?? " with the CA that signed it") + ", or check its dates"
            }
        case .hostNameMismatch:
            message =
                "certificate of \(host):\(port) is not for \(host) (host name mismatch): use a name the certificate "
                + "holds"
        case .notTLS:
            message =
                "\(host):\(port) does not speak TLS (a plain-HTTP port?): use an http:// URL or the server's HTTPS port"
        case .clientCertificateRefused:
            message =
                "\(host):\(port) asks for a client certificate and refused the one given (or none): give "
                + "--client-cert and --client-key with a certificate it accepts"
        case .proxyAuthenticationRequired:
            let who = proxy.map { "proxy \($0)" } ?? "the proxy"
            message =
                proxy?.username == nil
                ? "\(who) asks for authentication (407): give http://USER:PASSWORD@host:port as the proxy"
                : "\(who) refused the credentials (407): check the user and password in the proxy URL"
        case .proxyRefused:
            message =
                "\(proxy.map { "proxy \($0)" } ?? "the proxy") refused to connect to \(host):\(port): check its rules, "
                + "or list \(host) in NO_PROXY"
        case .proxyUnreachable:
            message =
                "cannot connect to \(proxy.map { "proxy \($0)" } ?? "the proxy") (connection refused): check --proxy, "
                + "HTTPS_PROXY/HTTP_PROXY or the profile's proxy"
        }
        return CMOError(kind: .configuration, message: message, retryable: false, attempts: attempts, request: request)
    }
}
