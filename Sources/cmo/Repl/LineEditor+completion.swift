import CEdit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension LineEditor {
    /// TAB: completes the name before the cursor as far as the candidates agree, lists them when they part; before
    /// nothing to complete (indentation), it inserts two spaces.
    func completeWord() -> UInt8 {
        let word = wordBeforeCursor()
        if word.isEmpty {
            el_insertstr(editor, "  ")
            return UInt8(CC_REFRESH)
        }
        let words = complete(word)
        guard let first = words.first else { return UInt8(CC_REFRESH_BEEP) }
        let common = words.dropFirst().reduce(first) { common, next in String(common.commonPrefix(with: next)) }
        if common.count > word.count {
            el_insertstr(editor, String(common.dropFirst(word.count)))
            return UInt8(CC_REFRESH)
        }
        if words.count == 1 { return UInt8(CC_REFRESH) }
        FileOutput.standardError.write("\n" + Self.columns(words.map(Self.lastName), width: Self.terminalWidth()))
        return UInt8(CC_REDISPLAY)
    }

    /// The dotted name that ends at the cursor (`cmo.log.in`), or "".
    private func wordBeforeCursor() -> String {
        guard let info = el_line(editor)?.pointee, let start = info.buffer, let cursor = info.cursor else {
            return ""
        }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(start).assumingMemoryBound(to: UInt8.self), count: cursor - start)
        let wordBytes = bytes.reversed().prefix { byte in
            byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
                || (byte >= 48 && byte <= 57) || (byte | 0x20 >= 97 && byte | 0x20 <= 122)
        }
        return String(decoding: wordBytes.reversed(), as: UTF8.self)
    }

    /// `activate(` of `cmo.activate(`.
    static func lastName(_ word: String) -> String {
        String(word[(word.lastIndex { $0 == "." || $0 == ":" }.map(word.index(after:)) ?? word.startIndex)...])
    }

    /// The names in columns across `width`, each line ending in a newline.
    static func columns(_ names: [String], width: Int) -> String {
        let cell = (names.map(\.count).max() ?? 0) + 2
        let perLine = max(1, width / cell)
        var text = ""
        for (index, name) in names.enumerated() {
            let last = index % perLine == perLine - 1 || index == names.count - 1
            text += last ? name + "\n" : name.padding(toLength: cell, withPad: " ", startingAt: 0)
        }
        return text
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
