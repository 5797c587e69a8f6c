/// A ``ScheduleStateStore`` in memory, for tests and dry runs.
public actor InMemoryScheduleStateStore: ScheduleStateStore {
    private var records: [String: JobRecord]
    /// How many times ``save(_:)`` was called.
    public private(set) var saveCount = 0

    public init(records: [JobRecord] = []) {
        self.records = Dictionary(records.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func load(job name: String) -> JobRecord? {
        records[name]
    }

    public func save(_ record: JobRecord) {
        records[record.name] = record
        saveCount += 1
    }

    /// Every record, by job name.
    public func allRecords() -> [String: JobRecord] {
        records
    }
}
