import Testing

@testable import CMOEngine

/// Where `require` finds the shipped Lua modules: `$CMO_STDLIB`, a checkout beside or above the executable, an
/// installed `PREFIX/share/cmo/stdlib`, or `stdlib` in the working directory.
@Suite struct StdlibTests {
    @Test func theEnvironmentWins() {
        let path = Stdlib.path(override: "/srv/lua", executable: "/usr/local/bin/cmo") { _ in true }
        #expect(path == "/srv/lua")
    }

    @Test func aCheckoutBesideOrAboveTheExecutableComesBeforeAnInstall() {
        let found: Set = ["/work/cmo/stdlib", "/work/cmo/.build/debug/../share/cmo/stdlib"]
        let path = Stdlib.path(override: "", executable: "/work/cmo/.build/debug/cmo") { found.contains($0) }
        #expect(path == "/work/cmo/stdlib")
    }

    @Test func anInstalledExecutableFindsTheShareDirectoryOfItsPrefix() {
        let path = Stdlib.path(override: nil, executable: "/opt/cmo/bin/cmo") {
            $0 == "/opt/cmo/bin/../share/cmo/stdlib"
        }
        #expect(path == "/opt/cmo/share/cmo/stdlib")
    }

    @Test func otherwiseTheWorkingDirectory() {
        #expect(Stdlib.path(override: nil, executable: "/usr/bin/cmo") { _ in false } == "stdlib")
        #expect(Stdlib.path(override: nil, executable: nil) { _ in true } == "stdlib")
    }
}
