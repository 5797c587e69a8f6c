import ArgumentParser
import CMOEngine
import Foundation

/// `cmo check FILE...`: lints workflow scripts before they run: syntax errors, undefined globals, unknown `cmo.*`
/// and `json.*` members, unknown option keys in literal option tables and calls with the wrong number of
/// arguments, each as `file:line:col: message`. luacheck (Debian `lua-check`) does the parsing and the globals;
/// the stdlib's `check/` Lua program takes the API's names, parameters and option keys from the type stubs.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check workflow scripts for mistakes without running them.",
        discussion: """
            Reports syntax errors, undefined globals (the sandbox has no io, package or os.execute), unknown \
            cmo.* and json.* functions, unknown keys in literal option tables (cmo.activate(id, {wiat = true})) \
            and calls with the wrong number of arguments, each as file:line:col: message. A directory stands \
            for the .lua files below it. Exit 0 when clean, 1 when anything was found, 2 when the files cannot \
            be checked. Needs luacheck (Debian package lua-check).
            """
    )

    @Argument(help: "Lua files, or directories of them.")
    var paths: [String]

    func run() throws {
        let files: [String]
        let interpreter: LuacheckInterpreter
        let stdlib = Stdlib.defaultPath()
        let names: String
        do {
            files = try ScriptFiles.expand(paths)
            interpreter = try LuacheckInterpreter.find(searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "")
            names = try SandboxNames.list(stdlib: stdlib)
        } catch {
            FileOutput.standardError.write("error: \(error)\n")
            throw ExitCode(CMOExitCode.usage)
        }
        let checker = Process()
        checker.executableURL = URL(fileURLWithPath: interpreter.path)
        checker.arguments = [stdlib + "/check/main.lua", stdlib, stdlib + "/meta/cmo.lua", names] + files
        do {
            try checker.run()
        } catch {
            FileOutput.standardError.write("error: cannot start \(interpreter.path): \(error)\n")
            throw ExitCode(CMOExitCode.usage)
        }
        checker.waitUntilExit()
        switch checker.terminationStatus {
        case 0: return
        case 1: throw ExitCode(CMOExitCode.scriptError)
        default: throw ExitCode(CMOExitCode.usage)
        }
    }
}
