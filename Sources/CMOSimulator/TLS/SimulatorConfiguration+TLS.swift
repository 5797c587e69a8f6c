import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import NIOSSL

extension SimulatorConfiguration {
    /// How the simulator serves HTTPS (`cmo sim --tls`).
    public struct TLS: Sendable {
        /// Where the server certificate comes from.
        public enum CertificateSource: Sendable {
            /// A CA and a certificate for `hosts` made at start; the CA is written to ``TLS/caFile`` (or a
            /// temporary file), see ``CMOSimulator/caFile``.
            case generated(hosts: [String])
            /// PEM files (`--tls-cert`, `--tls-key`); the certificate file may hold the chain after the leaf.
            case files(certificate: String, key: String)
        }

        /// The server certificate.
        public var certificate: CertificateSource
        /// Offer HTTP/2 by ALPN beside HTTP/1.1 (the default); `false` serves HTTP/1.1 only.
        public var http2: Bool
        /// Where to write the generated CA certificate; `nil`: a new file in the temporary directory.
        public var caFile: String?
        /// A PEM bundle of CAs whose client certificates the server asks for and requires (mutual TLS); `nil`: no
        /// client certificate is asked for.
        public var clientCAFile: String?

        /// Creates a TLS setting; by default a certificate for `127.0.0.1` and `localhost` made at start, HTTP/2 and
        /// HTTP/1.1.
        public init(
            certificate: CertificateSource = .generated(hosts: ["127.0.0.1", "localhost", "::1"]),
            http2: Bool = true, caFile: String? = nil, clientCAFile: String? = nil
        ) {
            self.certificate = certificate
            self.http2 = http2
            self.caFile = caFile
            self.clientCAFile = clientCAFile
        }
    }
}

/// The server side of TLS, ready to serve: the NIOSSL configuration and the CA file a client should trust.
struct SimulatorTLSMaterial {
    var configuration: TLSConfiguration
    /// The generated CA's file, `nil` when the certificate came from files.
    var caFile: String?
    /// Whether `caFile` is a temporary file of this simulator's (removed when it stops).
    var caFileIsTemporary = false

    init(_ tls: SimulatorConfiguration.TLS) throws(SimulatorError) {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            switch tls.certificate {
            case .generated(let hosts):
                let authority = try CertificateAuthority(commonName: "cmo sim CA \(UUID().uuidString.prefix(8))")
                let issued = try authority.issue(commonName: "cmo sim", hosts: hosts)
                let path = tls.caFile ?? NSTemporaryDirectory() + "cmo-sim-ca-\(getpid())-\(UUID().uuidString.prefix(8)).pem"
                try Data(authority.certificatePEM.utf8).write(to: URL(fileURLWithPath: path))
                caFile = path
                caFileIsTemporary = tls.caFile == nil
                chain = try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8))
                key = try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem)
            case .files(let certificatePath, let keyPath):
                caFile = nil
                caFileIsTemporary = false
                chain = try Self.read(certificatePath, what: "--tls-cert") { try NIOSSLCertificate.fromPEMFile($0) }
                key = try Self.read(keyPath, what: "--tls-key") { try NIOSSLPrivateKey(file: $0, format: .pem) }
            }
        } catch let error as SimulatorError {
            throw error
        } catch {
            throw .invalidConfiguration("cannot make a TLS certificate: \(error)")
        }
        guard !chain.isEmpty else { throw .invalidConfiguration("no certificate in the TLS certificate file") }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.applicationProtocols = tls.http2 ? ["h2", "http/1.1"] : ["http/1.1"]
        if let clientCAFile = tls.clientCAFile {
            let roots: [NIOSSLCertificate]
            do {
                roots = try Self.read(clientCAFile, what: "the client CA file") { try NIOSSLCertificate.fromPEMFile($0) }
            } catch let error as SimulatorError {
                throw error
            } catch {
                throw .invalidConfiguration("\(error)")
            }
            configuration.trustRoots = .certificates(roots)
            configuration.certificateVerification = .noHostnameVerification
        }
        self.configuration = configuration
    }

    private static func read<Value>(_ path: String, what: String, _ body: (String) throws -> Value) throws -> Value {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SimulatorError.invalidConfiguration("\(what) \(path): cannot read the file")
        }
        do {
            return try body(path)
        } catch {
            throw SimulatorError.invalidConfiguration("\(what) \(path): not a PEM file of the expected kind (\(error))")
        }
    }

    /// Hummingbird's server: HTTP/2 and HTTP/1.1 by ALPN, or HTTP/1.1 over TLS.
    func serverBuilder(http2: Bool) throws -> HTTPServerBuilder {
        http2
            ? try HTTPServerBuilder.http2Upgrade(tlsConfiguration: configuration)
            : try HTTPServerBuilder.tls(HTTPServerBuilder.http1(), tlsConfiguration: configuration)
    }
}
