import Crypto
import Foundation

/// The SHA-256 of a file's bytes, as lowercase hex: how a resumed run knows its script and inputs are unchanged.
public enum ContentHash {
    /// The hash of `bytes`.
    public static func of<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The hash of the file at `path`, or nil when it cannot be read.
    public static func ofFile(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { of($0) }
    }
}
