import CMOClient
import CMOJournal

extension RunHistoryFormat {
    /// A distributed run's shards as a table: state, owner (the last worker that held it), epoch, items and counts.
    static func shards(_ shards: [ShardRow]) -> String {
        let rows = shards.map { shard in
            [
                "\(shard.shard)", shard.state.rawValue, shard.owner ?? "-", "\(shard.epoch)", "\(shard.items)",
                shard.error.map { "error: " + String($0.prefix { $0 != "\n" }) } ?? counts(shard.counts),
            ]
        }
        let done = shards.filter { $0.state == .done }.count
        return "shards     \(done) of \(shards.count) done\n"
            + TableRenderer.table(header: ["shard", "state", "owner", "epoch", "items", "changes"], rows: rows)
    }

    /// One shard for `--output json`.
    static func shard(_ shard: ShardRow) -> JSONValue {
        var object = JSONObject([
            ("shard", .int(Int64(shard.shard))), ("state", .string(shard.state.rawValue)), ("epoch", .int(shard.epoch)),
            ("items", .int(Int64(shard.items))),
            ("counts", .object(JSONObject(shard.counts.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }))),
        ])
        object["owner"] = shard.owner.map(JSONValue.string) ?? .null
        object["error"] = shard.error.map(JSONValue.string) ?? .null
        return .object(object)
    }
}
