#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET product`, `GET product/{id}` and `POST product/find`.
extension SimulatorResponder {
    /// Writes a template as a top-level object with `correlationId` appended.
    static func topLevel(_ template: JSONTemplate, base: [UInt8], correlationID: String) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: template.count(baseCount: base.count) + 64)
        template.write(into: &buffer, base: base)
        buffer.moveWriterIndex(to: buffer.writerIndex - 1)  // the closing brace
        buffer.writeString(#","correlationId":""#)
        buffer.writeString(correlationID)
        buffer.writeString(#""}"#)
        return buffer
    }

    func getProduct(_ api: APIRequest, id: String) throws -> Response {
        let (bundleID, kind) = SubProduct.split(id)
        let template: JSONTemplate? = store.read(now: api.now) { fleet in
            guard let position = fleet.position(ofProduct: bundleID) else { return nil }
            let rendered = fleet.rendered[position]
            guard let kind else { return rendered.bundle }
            return rendered.subProducts[kind]
        }
        guard let template else {
            throw Problem.notFound("Product with id \(id) not found")
        }
        return Self.json(.ok, Self.topLevel(template, base: api.base, correlationID: api.correlationID), correlationID: api.correlationID)
    }

    /// The list's query, validated.
    struct ListQuery {
        var pageNumber = 1
        var pageSize: Int
        var fields: [String]?
        var statuses: Set<String>?
        var connectivityTypes: Set<String>?
    }

    /// Parses the list's query; every invalid parameter is reported (400 with one `errors` entry each).
    func parseListQuery(_ query: String?) throws -> ListQuery {
        var result = ListQuery(pageSize: configuration.defaultPageSize)
        var issues: [Problem.ValidationIssue] = []
        for (name, value) in QueryString.parse(Substring(query ?? "")) {
            switch name {
            case "pageNumber":
                guard let number = Int(value), number >= 1 else {
                    issues.append(.field("pageNumber", "pageNumber must be an integer of at least 1, got '\(value)'."))
                    continue
                }
                result.pageNumber = number
            case "pageSize":
                guard let size = Int(value), size >= 1 else {
                    issues.append(.field("pageSize", "pageSize must be an integer of at least 1, got '\(value)'."))
                    continue
                }
                guard size <= configuration.maxPageSize else {
                    issues.append(.field("pageSize", "pageSize must not exceed \(configuration.maxPageSize), got \(size)."))
                    continue
                }
                result.pageSize = size
            case "fields":
                var seen = Set<String>()
                let names = value.split(separator: ",").map { String($0.trimmingSpaces()) }.filter { !$0.isEmpty && seen.insert($0).inserted }
                result.fields = names.isEmpty ? nil : names
            case "status":
                result.statuses = Set(value.split(separator: ",").map { String($0.trimmingSpaces()) })
            case "connectivityType":
                result.connectivityTypes = Set(value.split(separator: ",").map { String($0.trimmingSpaces()) })
            default:
                continue
            }
        }
        if let first = issues.first {
            throw Problem.badRequest(issues.count == 1 ? first.message : "\(issues.count) query parameters are invalid: \(first.message) (and \(issues.count - 1) more)", errors: issues)
        }
        return result
    }

    func listProducts(_ api: APIRequest) throws -> Response {
        let query = try parseListQuery(api.request.uri.query)
        let (start, overflow) = (query.pageNumber - 1).multipliedReportingOverflow(by: query.pageSize)
        // Under the lock: pick the page and copy what renders it (templates are shared, not copied).
        let page: [(Product, RenderedProduct)] = overflow ? [] : store.read(now: api.now) { fleet in
            var page: [(Product, RenderedProduct)] = []
            page.reserveCapacity(query.pageSize)
            let products = fleet.products
            guard query.statuses != nil || query.connectivityTypes != nil else {
                // Unfiltered: the page is a slice; nothing before it is looked at.
                for position in products.indices.dropFirst(start).prefix(query.pageSize) {
                    page.append((products[position], fleet.rendered[position]))
                }
                return page
            }
            var skipped = 0
            // Indices, not elements: testing a field does not copy (and retain) every product skipped.
            for position in products.indices {
                if let statuses = query.statuses, !statuses.contains(products[position].status) { continue }
                if let types = query.connectivityTypes,
                    !types.contains(products[position].connectivityType.rawValue)
                {
                    continue
                }
                if skipped < start {
                    skipped += 1
                    continue
                }
                page.append((products[position], fleet.rendered[position]))
                if page.count == query.pageSize { break }
            }
            return page
        }
        var writer = JSONWriter(capacity: page.count * (query.fields == nil ? 400 : 80) + 256)
        writer.beginObject()
        writer.key("entities")
        writer.beginArray()
        for (product, rendered) in page {
            if let fields = query.fields {
                ProductRenderer.writeProjection(product, fields: fields, rendered: rendered, into: &writer)
            } else {
                // Without `fields` the service lists a summary per product, not the bundle.
                ProductRenderer.writeSummary(product, into: &writer)
            }
        }
        writer.endArray()
        writer.key("statistics")
        writer.beginObject()
        writer.field("currentPage", query.pageNumber)
        writer.field("pageSize", query.pageSize)
        writer.endObject()
        writer.key("links")
        writer.beginArray()
        writer.beginObject()
        writer.field("type", "self")
        writer.linkField("url", "/product" + (api.request.uri.query.map { "?" + $0 } ?? ""))
        writer.endObject()
        writer.endArray()
        writer.field("correlationId", api.correlationID)
        writer.endObject()
        return Self.json(.ok, Self.buffer(writer.template, base: api.base), correlationID: api.correlationID)
    }

    static func buffer(_ template: JSONTemplate, base: [UInt8]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: template.count(baseCount: base.count))
        template.write(into: &buffer, base: base)
        return buffer
    }

    /// `POST product/find`: paginated like the list (`pageNumber`, `pageSize` in the query, the same default and
    /// maximum), the page's hits in `entities` in the order asked, and the misses in `errors` on page 1 only (so a
    /// client reading every page meets each miss once), then `statistics` like the list's.
    func findProducts(_ api: APIRequest) async throws -> Response {
        guard Self.hasContentType(api.request, "application/json") else {
            throw Problem(.unsupportedMediaType, "POST product/find takes Content-Type: application/json.")
        }
        var paging = try parseListQuery(api.request.uri.query)
        paging.fields = nil
        let body = try await collectBody(api)
        guard let document = StrictJSON.decode(body) else {
            throw Problem.badRequest(field: "body", "The body is not valid JSON.")
        }
        guard case .object(let members) = document else {
            throw Problem.badRequest(field: "body", "The body must be an object with 'iccidList' and/or 'terminalSNList'.")
        }
        var issues: [Problem.ValidationIssue] = []
        func strings(_ name: String) -> [String] {
            guard let value = members[name], value != .null else { return [] }
            guard case .array(let items) = value, let texts = Optional(items.compactMap(\.stringValue)), texts.count == items.count else {
                issues.append(.field(name, "'\(name)' must be an array of strings."))
                return []
            }
            return texts
        }
        let iccids = strings("iccidList")
        let serials = strings("terminalSNList")
        if issues.isEmpty, iccids.isEmpty, serials.isEmpty {
            issues.append(.field("iccidList", "Give at least one ICCID in 'iccidList' or terminal serial number in 'terminalSNList'."))
        }
        if iccids.count + serials.count > 1000 {
            issues.append(.field(iccids.count > serials.count ? "iccidList" : "terminalSNList", "At most 1000 identifiers can be looked up at once."))
        }
        if let first = issues.first {
            throw Problem.badRequest(issues.count == 1 ? first.message : "\(issues.count) members are invalid: \(first.message) (and \(issues.count - 1) more)", errors: issues)
        }
        let queries = iccids.map { ($0, "iccid", ConnectivityType.cellular) } + serials.map { ($0, "terminalSN", ConnectivityType.satellite) }
        let results: [JSONTemplate?] = store.read(now: api.now) { fleet in
            queries.map { identifier, _, type in
                guard let position = fleet.position(ofIdentifier: identifier),
                      fleet.products[position].connectivityType == type
                else { return nil }
                return fleet.rendered[position].bundle
            }
        }
        let hits = results.compactMap { $0 }
        let (start, overflow) = (paging.pageNumber - 1).multipliedReportingOverflow(by: paging.pageSize)
        let page = overflow || start >= hits.count ? [] : hits[start..<min(hits.count, start + paging.pageSize)]
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key("entities")
        writer.beginArray()
        for template in page { writer.raw(template: template) }
        writer.endArray()
        writer.key("errors")
        writer.beginArray()
        for (index, result) in results.enumerated() where result == nil && paging.pageNumber == 1 {
            let (identifier, kind, _) = queries[index]
            writer.beginObject()
            writer.field(kind, identifier)
            writer.field("status", 404)
            writer.field("title", "Not Found")
            writer.field("detail", "Product with \(kind == "iccid" ? "iccid" : "terminal serial number") \(identifier) not found")
            writer.endObject()
        }
        writer.endArray()
        writer.key("statistics")
        writer.beginObject()
        writer.field("currentPage", paging.pageNumber)
        writer.field("pageSize", paging.pageSize)
        writer.endObject()
        writer.field("correlationId", api.correlationID)
        writer.endObject()
        return Self.json(.ok, Self.buffer(writer.template, base: api.base), correlationID: api.correlationID)
    }
}
