import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SwiftASN1
import Synchronization
import X509

/// Says why a server's certificate did not verify. BoringSSL reports every chain failure as
/// `CERTIFICATE_VERIFY_FAILED`; to tell an expired certificate from an unknown CA, a probe connects once more (only
/// after the failure, only directly, never through a proxy), takes the certificates the server shows and refuses
/// them in the verification callback, so the handshake never completes and nothing is sent.
enum TLSDiagnosis {
    /// What was wrong with the server's certificate.
    enum Finding: Sendable, Equatable {
        case expired(Date)
        case notYetValid(Date)
        case untrusted
        /// The probe could not look (a proxy is in the way, or the second connection failed).
        case unknown
    }

    /// Looks at the leaf certificate of `host:port`.
    static func probe(host: String, port: Int, tls: TLSConfiguration, now: Date = Date()) async -> Finding {
        let shown = Mutex<[NIOSSLCertificate]>([])
        do {
            let context = try NIOSSLContext(configuration: tls)
            let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(
                            context: context, serverHostname: isAddress ? nil : host,
                            customVerificationCallback: { certificates, promise in
                                shown.withLock { $0 = certificates }
                                promise.succeed(.failed)
                            })
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: host, port: port).get()
            channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
        } catch {
            return .unknown
        }
        guard let leaf = shown.withLock({ $0.first }),
            let certificate = try? Certificate(derEncoded: leaf.toDERBytes())
        else { return .unknown }
        if certificate.notValidAfter < now { return .expired(certificate.notValidAfter) }
        if certificate.notValidBefore > now { return .notYetValid(certificate.notValidBefore) }
        return .untrusted
    }
}
