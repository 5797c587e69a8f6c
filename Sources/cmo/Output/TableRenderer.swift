import CMOClient

/// Renders entities as aligned text tables for a terminal.
enum TableRenderer {
    /// Rows under a header, columns padded to their widest cell.
    static func table(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell.padding(toLength: widths[column])
            }.joined(separator: "  ")
        }
        return ([line(header.map { $0.uppercased() })] + rows.map(line)).joined(separator: "\n")
    }

    /// Entities as a table with one column per field.
    static func entities(_ entities: [JSONValue], fields: [String]) -> String {
        table(header: fields, rows: entities.map { entity in fields.map { cell(entity[$0]) } })
    }

    /// One entity as `key  value` lines: scalars first, then characteristics and bundled sub-products.
    static func entity(_ entity: JSONValue) -> String {
        guard let object = entity.objectValue else { return cell(entity) }
        var rows: [[String]] = []
        var sections: [String] = []
        for member in object {
            switch member.value {
            case .array(let elements) where member.key == "productCharacteristic":
                let pairs = elements.map { [cell($0["name"]), cell($0["value"])] }
                sections.append("characteristics:\n" + indent(table(header: ["name", "value"], rows: pairs)))
            case .array(let elements) where member.key == "productRelationship":
                let products = elements.compactMap { $0["product"] }
                let summary = products.map { [cell($0["id"]), cell($0["status"]), cell($0["@type"])] }
                sections.append("sub-products:\n" + indent(table(header: ["id", "status", "type"], rows: summary)))
            default:
                rows.append([member.key, cell(member.value)])
            }
        }
        let widest = rows.map { $0[0].count }.max() ?? 0
        let head = rows.map { "\($0[0].padding(toLength: widest))  \($0[1])" }.joined(separator: "\n")
        return ([head] + sections).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// A value as one table cell: strings bare, containers as compact JSON cut at 60 characters.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return "-"
        case .string(let text)?: return text.isEmpty ? "\"\"" : text
        case .int(let number)?: return String(number)
        case .bool(let flag)?: return String(flag)
        case let value?:
            let text = value.serialized()
            return text.count > 60 ? String(text.prefix(59)) + "…" : text
        }
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
