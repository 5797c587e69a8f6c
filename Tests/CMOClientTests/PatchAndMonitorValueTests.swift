import Testing

@testable import CMOClient

@Suite struct PatchAndMonitorValueTests {
    @Test func patchOperationsSerializeAsRFC6902() {
        let ops: [JSONPatchOperation] = [.test("/status", equals: "INACTIVE"), .setStatus("ACTIVE"), .remove("/x")]
        #expect(
            JSONValue.array(ops.map(\.json)).serialized()
                == #"[{"op":"test","path":"/status","value":"INACTIVE"},{"op":"replace","path":"/status","value":"ACTIVE"},{"op":"remove","path":"/x"}]"#
        )
        #expect(ops[0].isIdempotent && ops[1].isIdempotent && !ops[2].isIdempotent)
    }

    @Test func patchOperationsParseFromJSON() throws {
        let ops = try JSONPatchOperation.list(
            json: JSONValue(parsing: #"[{"op":"replace","path":"/simNotes","value":"spare"},{"op":"move","from":"/a","path":"/b"}]"#))
        #expect(ops == [.replace("/simNotes", with: "spare"), JSONPatchOperation(op: .move, path: "/b", from: "/a")])
        #expect(try JSONPatchOperation.list(json: JSONValue(parsing: #"{"op":"test","path":"/status","value":"X"}"#)).count == 1)
    }

    @Test(arguments: [
        (#"{"op":"bogus","path":"/status"}"#, "'op' must be one of add, remove, replace, move, copy, test"),
        (#"{"op":"replace","path":"/status"}"#, "'replace' needs a 'value'"),
        (#"{"op":"copy","path":"/a"}"#, "'copy' needs a 'from'"),
        (#"{"op":"remove"}"#, "'path' must be a string"),
        (#"42"#, "expected an array of operations, got integer"),
    ])
    func invalidPatchOperationsAreExplained(text: String, reason: String) throws {
        let error = try #require(throws: CMOError.self) { try JSONPatchOperation.list(json: JSONValue(parsing: text)) }
        #expect(error.message == "invalid JSON Patch operation: \(reason)")
    }

    @Test func monitorIdsComeFromLinks() {
        #expect(Monitor.id(fromLink: "<https://h/api/eos/monitor/8949-1686>") == "8949-1686")
        #expect(Monitor.id(fromLink: "http://h/v5/eos/monitor/8949-1686?x=1") == "8949-1686")
        #expect(Monitor.id(fromLink: "http://h/v5/eos/product/8949") == nil)
    }

    @Test func inErrorMonitorGivesItsReason() throws {
        let json = try JSONValue(
            parsing: """
                {"id":"8949-1","state":"InError","response":{"statusCode":502,
                 "body":{"type":"Bad Gateway","title":"Error","detail":"Backend rejected the SIM"}}}
                """)
        let monitor = try Monitor(json: json)
        #expect(monitor.state == .inError)
        #expect(monitor.errorReason == "Backend rejected the SIM")
        #expect(CMOError.monitorFailed(monitor).message == "monitor 8949-1 ended InError: Backend rejected the SIM")
    }

    @Test func monitorStatesAreReadLeniently() {
        #expect(Monitor.State(rawValue: "InProgress") == .inProgress)
        #expect(Monitor.State(rawValue: "Completed") == .completed)
        #expect(Monitor.State(rawValue: "InError") == .inError)
        #expect(Monitor.State(rawValue: "Paused") == .other("Paused"))
        #expect(!Monitor.State.other("Paused").isFinal)
    }

    @Test func subProductSuffixIsAddedOnce() {
        #expect(CMOClient.subProductID("JASPER-1", suffix: "simCard") == "JASPER-1-simCard")
        #expect(CMOClient.subProductID("JASPER-1-simCard", suffix: "simCard") == "JASPER-1-simCard")
    }
}
