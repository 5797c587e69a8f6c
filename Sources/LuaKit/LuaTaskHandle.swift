/// The Swift object behind a Lua `task` handle.
final class LuaTaskHandle {
    let id: LuaTaskID
    weak var scheduler: LuaScheduler?

    init(id: LuaTaskID, scheduler: LuaScheduler) {
        self.id = id
        self.scheduler = scheduler
    }

    nonisolated(unsafe) static let type = LuaUserdataType<LuaTaskHandle>(
        name: "task",
        methods: [
            "wait": { call, task in
                guard let scheduler = task.scheduler else { throw LuaRaisedError("the run of this task has ended") }
                if scheduler.currentTask == task.id { throw LuaRaisedError("a task cannot wait for itself") }
                return try call.suspend(.join(task.id))
            },
            "status": { call, task in
                let status = task.scheduler?.status(of: task.id)
                call.stack.push(status.map { "\($0)" } ?? "gone")
                return .results(1)
            },
        ],
        describe: { task in
            let status = task.scheduler?.status(of: task.id)
            return "task \(task.id) (\(status.map { "\($0)" } ?? "gone"))"
        },
        collect: { task in task.scheduler?.release(task.id) }
    )
}
