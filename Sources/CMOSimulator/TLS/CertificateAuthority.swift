import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority made in memory (P-256, swift-certificates): `cmo sim --tls` makes one at start to sign
/// its server certificate, and tests make more (a second CA, an expired certificate, a wrong host name).
///
/// ```swift
/// let ca = try CertificateAuthority(commonName: "cmo sim CA")
/// let server = try ca.issue(commonName: "cmo sim", hosts: ["127.0.0.1", "localhost"])
/// // ca.certificatePEM is what a client trusts (CMO_CA_FILE); server.certificatePEM/privateKeyPEM serve TLS.
/// ```
public struct CertificateAuthority: Sendable {
    /// The CA's self-signed certificate, PEM.
    public let certificatePEM: String
    private let certificate: Certificate
    private let key: P256.Signing.PrivateKey

    /// Makes a new CA valid from an hour ago for `validity`.
    public init(commonName: String, validity: Duration = .seconds(365 * 86_400), now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(Double(validity.components.seconds)),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        self.key = key
        self.certificate = certificate
        self.certificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// A leaf certificate for `hosts` (DNS names or IPv4/IPv6 literals, as subject alternative names), signed by
    /// this CA, for serving TLS (and, with the client-auth usage it also carries, for mutual TLS).
    ///
    /// - Parameters:
    ///   - notValidBefore: Default: an hour ago.
    ///   - notValidAfter: Default: in a year. A date in the past makes an expired certificate.
    public func issue(
        commonName: String, hosts: [String], notValidBefore: Date? = nil, notValidAfter: Date? = nil
    ) throws -> IssuedCertificate {
        let leafKey = P256.Signing.PrivateKey()
        let now = Date()
        let names = hosts.map { host -> GeneralName in
            if let bytes = Self.ipAddressBytes(host) {
                return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
            }
            return .dnsName(host)
        }
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(leafKey.publicKey),
            notValidBefore: notValidBefore ?? now.addingTimeInterval(-3600),
            notValidAfter: notValidAfter ?? now.addingTimeInterval(365 * 86_400),
            issuer: certificate.subject, subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return IssuedCertificate(
            certificatePEM: try leaf.serializeAsPEM().pemString, privateKeyPEM: leafKey.pemRepresentation)
    }

    /// The 4 or 16 bytes of an IP literal, `nil` for a host name.
    static func ipAddressBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// A certificate and its private key, both PEM.
public struct IssuedCertificate: Sendable {
    /// The certificate, PEM.
    public let certificatePEM: String
    /// The unencrypted private key (SEC1 `EC PRIVATE KEY`), PEM.
    public let privateKeyPEM: String

    /// Writes the certificate and the key (mode 600) into `directory` as `NAME.pem` and `NAME-key.pem`; returns the
    /// two paths.
    public func write(to directory: String, name: String) throws -> (certificate: String, key: String) {
        let certificatePath = "\(directory)/\(name).pem"
        let keyPath = "\(directory)/\(name)-key.pem"
        try Data(certificatePEM.utf8).write(to: URL(fileURLWithPath: certificatePath))
        _ = FileManager.default.createFile(
            atPath: keyPath, contents: Data(privateKeyPEM.utf8), attributes: [.posixPermissions: 0o600])
        return (certificatePath, keyPath)
    }
}
