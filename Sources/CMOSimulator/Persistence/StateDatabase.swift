import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The SQLite file behind `--state`: the fleet, its monitors and the applied-change counters, so that a restarted
/// simulator resumes where it stopped.
final class StateDatabase: Sendable {
    private let queue: DatabaseQueue

    /// What a state file holds.
    struct Saved {
        var products: [Product]
        var monitors: [Monitor]
        var appliedChanges: [String: Int]
    }

    init(path: String) throws {
        queue = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "meta") { table in
                table.column("key", .text).primaryKey()
                table.column("value", .text).notNull()
            }
            try db.create(table: "product") { table in
                table.column("position", .integer).primaryKey()
                table.column("id", .text).notNull().unique()
                table.column("json", .text).notNull()
            }
            try db.create(table: "monitor") { table in
                table.column("id", .text).primaryKey()
                table.column("json", .text).notNull()
            }
            try db.create(table: "appliedChange") { table in
                table.column("productId", .text).primaryKey()
                table.column("count", .integer).notNull()
            }
        }
        try migrator.migrate(queue)
    }

    /// The saved fleet, or `nil` when the file holds none yet.
    func load() throws -> Saved? {
        try queue.read { db in
            let productRows = try Row.fetchAll(db, sql: "SELECT json FROM product ORDER BY position")
            guard !productRows.isEmpty else { return nil }
            let decoder = JSONDecoder()
            let products = try productRows.map { row in
                try decoder.decode(Product.self, from: Data((row["json"] as String).utf8))
            }
            let monitors = try Row.fetchAll(db, sql: "SELECT json FROM monitor").map { row in
                try decoder.decode(Monitor.self, from: Data((row["json"] as String).utf8))
            }
            var changes: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT productId, count FROM appliedChange") {
                changes[row["productId"]] = row["count"]
            }
            return Saved(products: products, monitors: monitors, appliedChanges: changes)
        }
    }

    /// Saves a freshly generated fleet.
    func saveFleet(_ products: [Product], seed: UInt64) throws {
        let encoder = JSONEncoder()
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('seed', ?)", arguments: [String(seed)])
            for (position, product) in products.enumerated() {
                let json = String(decoding: try encoder.encode(product), as: UTF8.self)
                try db.execute(
                    sql: "INSERT OR REPLACE INTO product(position, id, json) VALUES (?, ?, ?)",
                    arguments: [position, product.id, json]
                )
            }
        }
    }

    /// Writes changed products and monitors, and the counters, in one transaction.
    func save(products: [Product], monitors: [Monitor], appliedChanges: [String: Int]) throws {
        let encoder = JSONEncoder()
        try queue.write { db in
            for product in products {
                let json = String(decoding: try encoder.encode(product), as: UTF8.self)
                try db.execute(sql: "UPDATE product SET json = ? WHERE id = ?", arguments: [json, product.id])
                if let count = appliedChanges[product.id] {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO appliedChange(productId, count) VALUES (?, ?)",
                        arguments: [product.id, count]
                    )
                }
            }
            for monitor in monitors {
                let json = String(decoding: try encoder.encode(monitor), as: UTF8.self)
                try db.execute(sql: "INSERT OR REPLACE INTO monitor(id, json) VALUES (?, ?)", arguments: [monitor.id, json])
            }
        }
    }
}
