import CMOClient
import Testing

/// The backends table (``BackendCatalogue/standard``) and the backends file laid over it.
@Suite struct BackendCatalogueTests {
    @Test func standardTableHasTheTenBackendsAsDocumented() throws {
        let standard = BackendCatalogue.standard
        #expect(standard.names == ["1NCE", "AIRLINQ", "GALAXY1", "INTELSAT", "IOTA", "JASPER", "STC", "TMSP", "TMUS", "TURKCELL"])
        #expect(standard.names.filter { standard.profile(named: $0)?.isAsynchronous == true } == ["AIRLINQ", "GALAXY1", "INTELSAT", "STC", "TMSP", "TURKCELL"])
        #expect(standard.names.filter { standard.profile(named: $0)?.isSatellite == true } == ["GALAXY1", "INTELSAT"])
        let tmus = try #require(standard.profile(named: "TMUS"))
        #expect(tmus.transitions.targets(from: "ACTIVE") == ["PENDING_TERMINATE", "SUSPENDED"])
        #expect(tmus.transitions.targets(from: "CREATED") == ["ACTIVE"])
        #expect(tmus.terminationStatus == "PENDING_TERMINATE")
        let oneNCE = try #require(standard.profile(named: "1NCE"))
        #expect(oneNCE.requestsPerSecond == 10)
        #expect(oneNCE.transitions.refusal(from: "ACTIVE", to: "INACTIVE") == "the status cannot change from ACTIVE to INACTIVE (allowed: SUSPENDED)")
        #expect(standard.profile(named: "JASPER")?.transitions.allows(from: "INVENTORY", to: "TERMINATED") == true)
        #expect(standard.profile(named: "JASPER")?.writableCharacteristics == ["simNotes", "productOffering", "communicationPlan", "modemId"])
        #expect(standard.profile(named: "TMSP")?.writableCharacteristics == ["simNotes"])
        #expect(standard.profile(named: "TMSP")?.transitions.pending(from: "INACTIVE", to: "ACTIVE") == "PENDING_ACTIVE")
    }

    @Test func fileOverridesEachKeyAndAddsBackends() throws {
        let text = """
            # Where TMSP answers at once in this lab.
            [backends.TMSP]
            asynchronous = false
            transitions = ["INACTIVE -> ACTIVE", "ACTIVE -> SUSPENDED via PENDING_SUSPEND", "SUSPENDED -> ACTIVE"]
            requests_per_second = 2.5

            [backends.1NCE]
            requests_per_second = 0
            termination_status = "SUSPENDED"

            [backends.ACME]
            asynchronous = true
            status_carrier = "terminal"
            writable_characteristics = ["simNotes", "modemId"]
            """
        let catalogue = try BackendCatalogue.standard.overridden(byTOML: text)
        let tmsp = try #require(catalogue.profile(named: "TMSP"))
        #expect(!tmsp.isAsynchronous)
        #expect(tmsp.requestsPerSecond == 2.5)
        #expect(tmsp.transitions.transitions.map { "\($0.from)>\($0.to)>\($0.pending)" } == [
            "INACTIVE>ACTIVE>PENDING_ACTIVE", "ACTIVE>SUSPENDED>PENDING_SUSPEND", "SUSPENDED>ACTIVE>PENDING_ACTIVE",
        ])
        let oneNCE = try #require(catalogue.profile(named: "1NCE"))
        #expect(oneNCE.requestsPerSecond == nil && oneNCE.terminationStatus == "SUSPENDED")
        #expect(oneNCE.transitions == StatusTransitions.oneNCE)
        let acme = try #require(catalogue.profile(named: "ACME"))
        #expect(acme.isAsynchronous && acme.isSatellite && acme.transitions == .inferred && acme.writableCharacteristics == ["simNotes", "modemId"])
        #expect(catalogue.profile(forProductID: "ACME-12345678") == acme)
        // Backends the file does not name are untouched.
        #expect(catalogue.profile(named: "JASPER") == BackendCatalogue.standard.profile(named: "JASPER"))
        #expect(try BackendCatalogue.standard.overridden(byTOML: "") == .standard)
    }

    @Test(arguments: [
        ("[backends.TMSP]\nasync = true\n", 2, "backends.TMSP.async", "unknown key"),
        ("[backends.TMSP]\nasynchronous = \"yes\"\n", 2, "backends.TMSP.asynchronous", "must be true or false"),
        ("\n[backends.TMUS]\ntransitions = [\"ACTIVE SUSPENDED\"]\n", 3, "backends.TMUS.transitions", #""ACTIVE SUSPENDED" is not "FROM -> TO""#),
        ("[backends.TMUS]\ntransitions = [\"active -> SUSPENDED\"]\n", 2, "backends.TMUS.transitions", "upper-case"),
        ("[backends.TMUS]\ntransitions = \"A -> B\"\n", 2, "backends.TMUS.transitions", "must be an array"),
        ("[backends.X]\n\nrequests_per_second = -1\n", 3, "backends.X.requests_per_second", "at least 0"),
        ("[backends.X]\nstatus_carrier = \"sim\"\n", 2, "backends.X.status_carrier", "simCard"),
        ("[backends.X]\ntermination_status = \"gone\"\n", 2, "backends.X.termination_status", "status name"),
        ("[backends.X]\nwritable_characteristics = [\"imei\"]\n", 2, "backends.X.writable_characteristics", "one of"),
        ("[backends.\"A-B\"]\nasynchronous = true\n", 1, "backends.A-B", "letters, digits"),
        ("[backend.TMSP]\nasynchronous = true\n", 1, "backend", "unknown top-level key"),
        ("[backends.TMSP]\nasynchronous = \n", 2, "", ""),
    ])
    func badFilesNameTheLineAndKey(text: String, line: Int, key: String, message: String) {
        do {
            _ = try BackendCatalogue.standard.overridden(byTOML: text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("line \(line): " + (key.isEmpty ? "" : key + ": ")))
        }
    }
}
