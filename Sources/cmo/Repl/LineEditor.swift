import CEdit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// libedit on the terminal: emacs keys (or what `~/.editrc` says), history kept in a file, TAB completion through
/// ``complete``, and Ctrl-C as a key that drops the line (the edit mode's ISIG is off, so it sends no SIGINT while
/// the operator types; between lines the terminal is as it was, and Ctrl-C interrupts the running entry).
///
/// Not `Sendable`: made and used on the one thread that reads the terminal.
final class LineEditor {
    /// What one read gave.
    enum Reading: Equatable {
        case line(String)
        /// Ctrl-C: the line is dropped.
        case cancelled
        /// Ctrl-D on an empty line, or the input closed.
        case end
    }

    /// The words completing a word (`cmo.act` -> `cmo.activate(`); called on the reading thread during a read.
    var complete: (String) -> [String] = { _ in [] }
    let editor: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private var prompt: UnsafeMutablePointer<CChar>
    private var cancelled = false

    /// An editor on standard input, drawing on standard error; `historyPath`'s lines are loaded and each new
    /// line is saved there (nil: no history file).
    init(historyPath: String?) {
        editor = cedit_init_standard("cmo")
        history = history_init()
        self.historyPath = historyPath
        prompt = strdup("> ")
        cedit_history_set_size(history, 1000)
        cedit_history_set_unique(history, 1)
        if let historyPath { cedit_history_load(history, historyPath) }
        cedit_set_editor(editor, "emacs")
        cedit_set_history(editor, history)
        cedit_set_client_data(editor, Unmanaged.passUnretained(self).toOpaque())
        cedit_set_prompt(editor) { editor in LineEditor.owner(of: editor)?.prompt }
        cedit_add_function(editor, "cmo-complete", "Complete the name before the cursor") { editor, _ in
            LineEditor.owner(of: editor)?.completeWord() ?? UInt8(CC_ERROR)
        }
        cedit_add_function(editor, "cmo-cancel", "Drop the line") { editor, _ in
            LineEditor.owner(of: editor)?.cancelLine() ?? UInt8(CC_ERROR)
        }
        cedit_bind(editor, "^I", "cmo-complete")
        cedit_bind(editor, "^C", "cmo-cancel")
        cedit_keys_not_signals(editor)
        el_source(editor, nil)
    }

    deinit {
        el_end(editor)
        history_end(history)
        free(prompt)
    }

    /// Reads one line with `promptText`; a line that is not blank goes into the history (and its file).
    func read(prompt promptText: String) -> Reading {
        free(prompt)
        prompt = strdup(promptText)
        cancelled = false
        var count: Int32 = 0
        let raw = el_gets(editor, &count)
        if cancelled { return .cancelled }
        guard let raw, count > 0 else { return .end }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        if !line.allSatisfy(\.isWhitespace) {
            cedit_history_enter(history, line)
            if let historyPath { cedit_history_save(history, historyPath) }
        }
        return .line(line)
    }

    private static func owner(of editor: OpaquePointer?) -> LineEditor? {
        guard let editor, let data = cedit_client_data(editor) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    private func cancelLine() -> UInt8 {
        cancelled = true
        FileOutput.standardError.write("^C\n")
        return UInt8(CC_NEWLINE)
    }
}
