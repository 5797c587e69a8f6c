import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// A connection that failed for a reason a person must fix (trust, certificate, proxy), not one that trying again
/// may cure: it is never retried and becomes a `.configuration` `CMOError` (exit 2).
enum ConnectionProblem: Sendable, Hashable {
    /// The server's certificate chain did not verify (unknown CA, expired, not yet valid): diagnosed by
    /// `TLSDiagnosis` to say which.
    case certificateNotVerified
    /// The certificate is valid but not for the host name asked for.
    case hostNameMismatch
    /// The server answered the TLS hello with something else: a plain-HTTP port.
    case notTLS
    /// The server asked for a client certificate and refused the one given, or none was given.
    case clientCertificateRefused
    /// The proxy answered the CONNECT with 407.
    case proxyAuthenticationRequired
    /// The proxy answered the CONNECT with another refusal.
    case proxyRefused
    /// Nothing listens at the proxy's address.
    case proxyUnreachable

    /// Recognizes a problem in an error thrown by `HTTPClient.execute`; `nil` for an ordinary transport failure.
    init?(classifying error: any Error, proxied: Bool) {
        if let error = error as? HTTPClientError {
            switch error {
            case .proxyAuthenticationRequired: self = .proxyAuthenticationRequired
            case .invalidProxyResponse: self = .proxyRefused
            default: return nil
            }
            return
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            self = .hostNameMismatch
            return
        }
        if let error = error as? NIOSSLError {
            let text = String(describing: error)
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                self = .certificateNotVerified
            } else if text.contains("CERTIFICATE_REQUIRED") || text.contains("ALERT_BAD_CERTIFICATE")
                || text.contains("ALERT_UNKNOWN_CA") || text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")
            {
                self = .clientCertificateRefused
            } else if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG")
                || text.contains("HTTP_REQUEST")
            {
                self = .notTLS
            } else {
                return nil
            }
            return
        }
        if proxied {
            let refused =
                String(describing: type(of: error)) == "NIOConnectionError"
                || (error as? IOError).map { $0.errnoCode == 111 || $0.errnoCode == 61 } ?? false
            if refused {
                self = .proxyUnreachable
                return
            }
        }
        return nil
    }
}

extension ConnectionProblem {
    /// The error for this problem on a request to `url`; an unverified certificate is first probed (directly
    /// only) to say whether it expired or is not trusted.
    func error(
        url: String, request: String, proxy: ProxyServer?, tls: Configuration.TLS, attempts: Int
    ) async -> CMOError {
        let components = URLComponents(string: url)
        var host = components?.host ?? url
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        let port = components?.port ?? (components?.scheme?.lowercased() == "http" ? 80 : 443)
        var finding = TLSDiagnosis.Finding.unknown
        if self == .certificateNotVerified, proxy == nil {
            let configuration = (try? tls.makeTLSConfiguration()) ?? TLSConfiguration.makeClientConfiguration()
            finding = await TLSDiagnosis.probe(host: host, port: port, tls: configuration)
        }
        return CMOError.connection(
            self, request: request, host: host, port: port, proxy: proxy, caFile: tls.caFile, finding: finding,
            attempts: attempts)
    }
}
