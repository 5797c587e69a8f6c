import Foundation
import NIOSSL

extension Configuration {
    /// Whom the client trusts, and who it is, over TLS. The system's trust store is always used; there is no
    /// switch that turns verification off.
    public struct TLS: Sendable, Equatable {
        /// A PEM bundle of CA certificates trusted besides the system's (`--ca-file`, `CMO_CA_FILE`, profile
        /// `ca_file`): a private root for TLS inspection, or `cmo sim --tls`'s CA.
        public var caFile: String?
        /// A client certificate (PEM, leaf first) for gateways that ask for one (`--client-cert`,
        /// `CMO_CLIENT_CERT`, profile `client_cert`).
        public var clientCertificateFile: String?
        /// The client certificate's private key, PEM, unencrypted (`--client-key`, `CMO_CLIENT_KEY`, profile
        /// `client_key`).
        public var clientKeyFile: String?

        public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
            self.caFile = caFile
            self.clientCertificateFile = clientCertificateFile
            self.clientKeyFile = clientKeyFile
        }

        /// The NIOSSL client configuration: the system's roots plus `caFile`'s certificates, full verification
        /// (chain, validity, host name), the client identity when given, HTTP/2 and HTTP/1.1 offered by ALPN.
        ///
        /// - Throws: A `.configuration` error naming the file that cannot be read or holds no usable PEM, or a
        ///   certificate given without its key (or the reverse).
        public func makeTLSConfiguration() throws(CMOError) -> TLSConfiguration {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let caFile {
                let roots = try Self.read(caFile, setting: "ca_file") { try NIOSSLCertificate.fromPEMFile($0) }
                guard !roots.isEmpty else {
                    throw CMOError.invalidSetting("ca_file", "\(caFile) holds no PEM certificate")
                }
                configuration.additionalTrustRoots = [.certificates(roots)]
            }
            switch (clientCertificateFile, clientKeyFile) {
            case (nil, nil):
                break
            case (let certificateFile?, let keyFile?):
                let chain = try Self.read(certificateFile, setting: "client_cert") {
                    try NIOSSLCertificate.fromPEMFile($0)
                }
                guard !chain.isEmpty else {
                    throw CMOError.invalidSetting("client_cert", "\(certificateFile) holds no PEM certificate")
                }
                let key = try Self.read(keyFile, setting: "client_key") { try NIOSSLPrivateKey(file: $0, format: .pem) }
                configuration.certificateChain = chain.map { .certificate($0) }
                configuration.privateKey = .privateKey(key)
            case (.some, nil):
                throw CMOError.invalidSetting("client_key", "a client certificate needs its key: give --client-key")
            case (nil, .some):
                throw CMOError.invalidSetting("client_cert", "a client key needs its certificate: give --client-cert")
            }
            return configuration
        }

        private static func read<Value>(_ path: String, setting: String, _ body: (String) throws -> Value)
            throws(CMOError) -> Value
        {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CMOError.invalidSetting(setting, "cannot read \(path)")
            }
            do {
                return try body(path)
            } catch {
                throw CMOError.invalidSetting(setting, "\(path) is not a usable PEM file (\(error))")
            }
        }
    }
}
