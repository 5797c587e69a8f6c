import CMOClient
import CMOJournal
import Foundation
import Synchronization

/// Records a run's exchanges with the API (`cmo run --record FILE`) and writes them as JSON lines, mode 0600, when
/// the run ends. Values of the fields named by `mask` are replaced consistently (``CassetteMasker``).
public final class CassetteRecorder: ExchangeRecorder {
    private let mask: [String]
    private let entries = Mutex<[CassetteEntry]>([])

    /// Where the cassette is written.
    public let path: String

    public init(path: String, mask: [String] = []) {
        self.path = path
        self.mask = mask
    }

    public func record(_ exchange: Exchange) {
        let entry = CassetteEntry(exchange)
        entries.withLock { $0.append(entry) }
    }

    /// How many exchanges were recorded.
    public var count: Int { entries.withLock { $0.count } }

    /// Writes the cassette (0600: it holds the fleet's data), masked: the values to mask are learned from every
    /// entry first, so a value seen in a listing before its field named it is masked too.
    public func write() throws(PrivateFileError) {
        let recorded = entries.withLock { $0 }
        var masker = CassetteMasker(fields: mask)
        for entry in recorded { masker.learn(from: entry) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = ""
        for entry in recorded {
            guard let data = try? encoder.encode(masker.mask(entry)) else { continue }
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        try PrivateFiles.write(Data(text.utf8), to: path)
    }
}
