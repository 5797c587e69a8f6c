import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files and directories that hold operator data (the journal with its ICCIDs, vars and correlation ids, run
/// reports) are private to their owner, as ssh and kubectl keep theirs: directories are created 0700 and files 0600,
/// whatever the umask. Existing ones are never changed behind the operator's back (a report is rewritten whole, so it
/// is narrowed to 0600); ``exposure(of:)`` says when one is readable by group or others.
public enum PrivateFiles {
    /// The mode of a directory `cmo` creates.
    public static let directoryMode: mode_t = 0o700
    /// The mode of a file `cmo` creates.
    public static let fileMode: mode_t = 0o600

    /// Creates `path` and its missing parents with mode 0700 (the XDG base directory rule); existing directories
    /// keep their mode.
    public static func createDirectory(_ path: String) throws(PrivateFileError) {
        guard !path.isEmpty else { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            if mkdir(prefix, directoryMode) == 0 {
                // mkdir's mode passes through the umask; a umask of 077 or 022 leaves 0700, a stranger one does not.
                chmod(prefix, directoryMode)
                continue
            }
            // Whatever mkdir said (EEXIST, or EROFS/EACCES on some systems), an existing directory will do.
            let failure = errno
            var status = stat()
            guard stat(prefix, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw PrivateFileError(path: prefix, action: "create the directory", code: failure)
            }
        }
    }

    /// Creates `path` empty with mode 0600 unless it exists; an existing file is left as it is.
    public static func createFile(_ path: String) throws(PrivateFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if descriptor < 0 {
            let failure = errno
            var status = stat()
            if failure == EEXIST || stat(path, &status) == 0 { return }  // an existing file (a read-only journal)
            throw PrivateFileError(path: path, action: "create", code: failure)
        }
        fchmod(descriptor, fileMode)
        close(descriptor)
    }

    /// Writes `data` to `path` whole, creating it 0600; an existing file is truncated and narrowed to 0600.
    public static func write(_ data: Data, to path: String) throws(PrivateFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw PrivateFileError(path: path, action: "open", code: errno) }
        defer { close(descriptor) }
        fchmod(descriptor, fileMode)
        let failure: Int32? = data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw PrivateFileError(path: path, action: "write", code: failure) }
    }

    /// The existing file or directory at `path` when group or others may read it; nil when it is private or absent.
    public static func exposure(of path: String) -> Exposure? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & 0o044 != 0 else { return nil }
        return Exposure(path: path, mode: status.st_mode & 0o7777, isDirectory: status.st_mode & S_IFMT == S_IFDIR)
    }

    /// A file or directory with operator data that group or others may read.
    public struct Exposure: Sendable, Equatable, CustomStringConvertible {
        /// The path as given.
        public let path: String
        /// Its permission bits.
        public let mode: mode_t
        /// Whether it is a directory.
        public let isDirectory: Bool

        /// `/x/journal.sqlite is readable by group or others (mode 0644): chmod 600 /x/journal.sqlite`.
        public var description: String {
            let octal = String(mode, radix: 8)
            let fix = isDirectory ? "700" : "600"
            return "\(path) is readable by group or others (mode \(String(repeating: "0", count: max(0, 4 - octal.count)) + octal)): chmod \(fix) \(path)"
        }
    }
}

/// A private file or directory that could not be created or written.
public struct PrivateFileError: Error, Sendable, CustomStringConvertible {
    /// The path concerned.
    public let path: String
    /// What failed: "create", "open", "write", "create the directory".
    public let action: String
    /// The `errno` value.
    public let code: Int32

    /// `cannot create the directory /x: Permission denied`.
    public var description: String { "cannot \(action) \(path): \(String(cString: strerror(code)))" }
}
