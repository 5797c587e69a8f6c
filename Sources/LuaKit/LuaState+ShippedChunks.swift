import CLua

extension LuaState {
    /// Runs one of LuaKit's own Lua files (`Sources/LuaKit/Lua/*.lua`, embedded in the binary by SwiftPM as
    /// `PackageResources`) on the main thread: compiles `source` as the chunk `chunkName` (`=(name)`), calls it
    /// with the values `pushArguments` pushed (it returns their count) and leaves `results` results on the stack.
    ///
    /// LuaKit's own Lua must compile and run, so a failure stops the process: it is a bug of LuaKit.
    func runShippedChunk(
        _ source: [UInt8], chunkName: String, results: Int32 = 0, pushArguments: () -> Int32
    ) {
        do {
            try load(source, chunkName: chunkName)
        } catch {
            preconditionFailure("LuaKit: \(chunkName) does not compile: \(error.message)")
        }
        let arguments = pushArguments()
        let status = hostAllocations { clua_pcall(L, arguments, results, 0) }
        precondition(status == LUA_OK, "LuaKit: \(chunkName) failed: \(stack.describe(at: -1))")
    }
}
