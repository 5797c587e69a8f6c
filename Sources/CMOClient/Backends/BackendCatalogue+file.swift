import Foundation
import TOMLKit

/// A problem in a backends file: where it is (line, and the key when known) and what is wrong.
public struct BackendsFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of the problem, when known.
    public var line: Int?
    /// The dotted key the problem is about, e.g. `backends.TMSP.transitions`; empty for a syntax error.
    public var key: String
    /// What is wrong, without the position.
    public var message: String

    public init(line: Int?, key: String, message: String) {
        self.line = line
        self.key = key
        self.message = message
    }

    /// `line 4: backends.TMSP.transitions: "ACTIVE SUSPENDED" is not "FROM -> TO"`.
    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if !key.isEmpty { parts.append(key) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// Reading a backends file (TOML), which `cmo sim --backends FILE` (and later `cmo run`) lay over a catalogue:
///
/// ```toml
/// [backends.TMSP]
/// asynchronous = false                          # answer status changes at once instead of with a monitor
/// transitions = ["INACTIVE -> ACTIVE", "ACTIVE -> SUSPENDED", "SUSPENDED -> ACTIVE"]   # replaces the table
/// requests_per_second = 10                      # 0 removes a limit
/// termination_status = "TERMINATED"
/// status_carrier = "simCard"                    # or "terminal" (satellite)
/// writable_characteristics = ["simNotes", "modemId"]   # besides status; simNotes, productOffering,
///                                               # communicationPlan, modemId
///
/// [backends.ACME]                               # a backend not in the catalogue is added
/// asynchronous = true
/// ```
///
/// Every key is optional; a key not given keeps the catalogue's value (for a new backend: synchronous, the
/// inferred transitions, no rate limit, `TERMINATED`, `simCard`). A transition may name its pending status:
/// `"INACTIVE -> ACTIVE via PENDING_ACTIVE"`.
extension BackendCatalogue {
    /// The keys a `[backends.NAME]` table may hold.
    public static let fileKeys = [
        "asynchronous", "transitions", "requests_per_second", "termination_status", "status_carrier",
        "writable_characteristics",
    ]

    /// This catalogue with the backends file `text` laid over it.
    ///
    /// - Throws: ``BackendsFileError`` for the first problem met (TOML syntax, an unknown key, a value of the
    ///   wrong type, a malformed transition), naming its line and key.
    public func overridden(byTOML text: String) throws(BackendsFileError) -> BackendCatalogue {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw BackendsFileError(line: error.source.begin.line, key: "", message: error.description)
        } catch {
            throw BackendsFileError(line: nil, key: "", message: "not a TOML document (\(error))")
        }
        let lines = BackendsFileLocator(text: text)
        for key in root.keys where key != "backends" {
            throw BackendsFileError(line: lines.line(of: [key]), key: key, message: "unknown top-level key (expected [backends.NAME] tables)")
        }
        guard let backendsValue = root["backends"] else { return self }
        guard let backends = backendsValue.table else {
            throw BackendsFileError(line: lines.line(of: ["backends"]), key: "backends", message: "must be a table of [backends.NAME] tables")
        }
        var catalogue = self
        for name in backends.keys.sorted(by: { (lines.line(of: ["backends", $0]) ?? 0, $0) < (lines.line(of: ["backends", $1]) ?? 0, $1) }) {
            let path = ["backends", name]
            func fail(_ key: String?, _ message: String) -> BackendsFileError {
                let keyPath = key.map { path + [$0] } ?? path
                return BackendsFileError(line: lines.line(of: keyPath), key: keyPath.joined(separator: "."), message: message)
            }
            guard Self.isValidName(name) else {
                throw fail(nil, "a backend name is made of letters, digits and '_' (it prefixes product ids before a '-')")
            }
            guard let table = backends[name]?.table else { throw fail(nil, "must be a table") }
            var profile = catalogue.profile(named: name) ?? BackendProfile(name: name, isAsynchronous: false)
            for key in table.keys {
                guard Self.fileKeys.contains(key) else {
                    throw fail(key, "unknown key (allowed: \(Self.fileKeys.joined(separator: ", ")))")
                }
            }
            if let value = table["asynchronous"] {
                guard let flag = value.bool else { throw fail("asynchronous", "must be true or false") }
                profile.isAsynchronous = flag
            }
            if let value = table["requests_per_second"] {
                guard let rate = value.int.map(Double.init) ?? value.double, rate.isFinite, rate >= 0 else {
                    throw fail("requests_per_second", "must be a number of at least 0 (0: no limit)")
                }
                profile.requestsPerSecond = rate == 0 ? nil : rate
            }
            if let value = table["status_carrier"] {
                guard let carrier = value.string, carrier == "simCard" || carrier == "terminal" else {
                    throw fail("status_carrier", "must be \"simCard\" or \"terminal\"")
                }
                profile.statusCarrier = carrier
            }
            if let value = table["termination_status"] {
                guard let status = value.string, Self.isStatusName(status) else {
                    throw fail("termination_status", "must be a status name such as \"TERMINATED\"")
                }
                profile.terminationStatus = status
            }
            if let value = table["writable_characteristics"] {
                let known = BackendProfile.knownWritableCharacteristics
                guard let array = value.array else { throw fail("writable_characteristics", "must be an array of strings") }
                var names: [String] = []
                for element in array {
                    guard let name = element.string, known.contains(name) else {
                        throw fail("writable_characteristics", "each must be one of \(known.joined(separator: ", "))")
                    }
                    names.append(name)
                }
                profile.writableCharacteristics = names
            }
            if let value = table["transitions"] {
                guard let array = value.array else {
                    throw fail("transitions", "must be an array of \"FROM -> TO\" strings")
                }
                var transitions: [StatusTransitions.Transition] = []
                for element in array {
                    guard let text = element.string else {
                        throw fail("transitions", "must be an array of \"FROM -> TO\" strings, found \(element.type)")
                    }
                    guard let transition = Self.transition(text) else {
                        throw fail("transitions", "\"\(text)\" is not \"FROM -> TO\" (or \"FROM -> TO via PENDING\") with upper-case status names")
                    }
                    transitions.append(transition)
                }
                profile.transitions = StatusTransitions(transitions)
            }
            catalogue.profiles[name] = profile
        }
        return catalogue
    }

    /// Parses `FROM -> TO` or `FROM -> TO via PENDING`.
    static func transition(_ text: String) -> StatusTransitions.Transition? {
        let sides = text.split(separator: "->", omittingEmptySubsequences: false)
        guard sides.count == 2 else { return nil }
        let from = sides[0].split(separator: " ")
        let rest = sides[1].split(separator: " ")
        guard from.count == 1, rest.count == 1 || (rest.count == 3 && rest[1] == "via") else { return nil }
        let names = [String(from[0]), String(rest[0])] + (rest.count == 3 ? [String(rest[2])] : [])
        guard names.allSatisfy(isStatusName), names[0] != names[1] else { return nil }
        return StatusTransitions.Transition(from: names[0], to: names[1], pending: names.count == 3 ? names[2] : nil)
    }

    /// Upper-case ASCII letters, digits and `_`, starting with a letter.
    static func isStatusName(_ text: String) -> Bool {
        guard let first = text.utf8.first, (65...90).contains(first) else { return false }
        return text.utf8.allSatisfy { (65...90).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    /// Letters, digits and `_` (no `-`: the name is a product id's prefix up to its first `-`).
    static func isValidName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 32
            && text.utf8.allSatisfy { (65...90).contains($0) || (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }
}

/// Finds the line of a table header or key in a backends file (TOMLKit does not report positions): headers
/// `[a.b]` and `key =` lines at the start of a line, multi-line strings skipped. A key not found falls back to
/// its table's header.
struct BackendsFileLocator: Sendable {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var table: [String] = []
        var inMultiline = false
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let runs = line.components(separatedBy: "\"\"\"").count - 1 + line.components(separatedBy: "'''").count - 1
            defer { if runs % 2 == 1 { inMultiline.toggle() } }
            if inMultiline || line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
                table = Self.keyPath(String(line[line.index(after: line.startIndex)..<close]))
                for count in 1...max(1, table.count) { record(Array(table.prefix(count)), offset + 1) }
            } else if let equals = line.firstIndex(of: "=") {
                let key = Self.keyPath(String(line[..<equals]))
                // Dotted keys (`backends.TMSP.asynchronous = true`) also name the tables they pass through.
                for count in 1...max(1, key.count) { record(table + Array(key.prefix(count)), offset + 1) }
            }
        }
    }

    /// The line of `path`, or of the nearest enclosing table or key found.
    func line(of path: [String]) -> Int? {
        var path = path
        while !path.isEmpty {
            if let line = lines[path.joined(separator: ".")] { return line }
            path.removeLast()
        }
        return nil
    }

    private mutating func record(_ path: [String], _ line: Int) {
        let key = path.joined(separator: ".")
        if lines[key] == nil { lines[key] = line }
    }

    private static func keyPath(_ text: String) -> [String] {
        text.split(separator: ".").map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            return trimmed.count >= 2 && (trimmed.hasPrefix("\"") && trimmed.hasSuffix("\"") || trimmed.hasPrefix("'") && trimmed.hasSuffix("'"))
                ? String(trimmed.dropFirst().dropLast()) : trimmed
        }
    }
}
