import Foundation

extension SQLiteJournal {
    /// What `cmo` warns about once, on standard error, when it opens this journal: the journal file, and with
    /// `stateDirectory` (the default location, not a `--journal PATH`, whose directory may well be shared) the
    /// directory holding it, when group or others may read them.
    ///
    /// `warning: the journal /x/journal.sqlite is readable by group or others (mode 0644): chmod 600 /x/journal.sqlite`
    public func privacyWarnings(stateDirectory: Bool) -> [String] {
        var warnings: [String] = []
        if stateDirectory, let directory = PrivateFiles.exposure(of: (path as NSString).deletingLastPathComponent) {
            warnings.append("warning: the state directory \(directory)")
        }
        if let exposure { warnings.append("warning: the journal \(exposure)") }
        return warnings
    }
}
