import CMOTestSupport
import Foundation
import Testing

/// `cmo --version`: the version of cmo and of the Lua it was built with.
@Suite struct VersionCommandTests {
    @Test func printsTheVersionAndTheLuaRelease() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        #expect(result.stdout.wholeMatch(of: /cmo \d+\.\d+\.\d+ \(Lua 5\.4\.\d+\)\n/) != nil, "\(result.stdout)")
    }
}
