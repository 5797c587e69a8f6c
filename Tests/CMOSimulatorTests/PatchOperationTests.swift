import Testing

@testable import CMOSimulator

@Suite struct PatchOperationTests {
    func parse(_ text: String) -> Result<[PatchOperation], PatchParseError> {
        Result { () throws(PatchParseError) in try PatchOperation.parseDocument(Array(text.utf8)) }
    }

    func error(_ text: String) -> String? {
        if case .failure(let error) = parse(text) { return error.description }
        return nil
    }

    @Test func parsesReplaceAndTest() throws {
        let operations = try parse(#"[{"op":"test","path":"/status","value":"INACTIVE"},{"op":"replace","path":"/status","value":"ACTIVE"},{"op":"replace","path":"/simNotes","value":"n"}]"#).get()
        #expect(operations == [
            PatchOperation(kind: .test, field: .status, value: "INACTIVE"),
            PatchOperation(kind: .replace, field: .status, value: "ACTIVE"),
            PatchOperation(kind: .replace, field: .simNotes, value: "n"),
        ])
    }

    @Test(arguments: [
        ("{", "not valid JSON"),
        (#"{"op":"replace"}"#, "must be an array"),
        ("[]", "no operation"),
        ("[1]", "must be an object"),
        (#"[{"path":"/status","value":"A"}]"#, "no 'op'"),
        (#"[{"op":"jump","path":"/status","value":"A"}]"#, "unknown op 'jump'"),
        (#"[{"op":"add","path":"/status","value":"A"}]"#, "not supported"),
        (#"[{"op":"replace","path":"status","value":"A"}]"#, "not a JSON Pointer"),
        (#"[{"op":"replace","path":"/sta~2tus","value":"A"}]"#, "bad escape"),
        (#"[{"op":"replace","path":"/ICCID","value":"1"}]"#, "read-only"),
        (#"[{"op":"replace","path":"/id","value":"1"}]"#, "read-only"),
        (#"[{"op":"replace","path":"/nothing","value":"1"}]"#, "does not exist"),
        (#"[{"op":"replace","path":"/status"}]"#, "no 'value'"),
        (#"[{"op":"replace","path":"/status","value":5}]"#, "must be a string"),
        (#"[{"op":"replace","path":5,"value":"A"}]"#, "'path' must be a string"),
    ])
    func rejectsMalformedDocuments(body: String, message: String) {
        let description = error(body)
        #expect(description?.contains(message) == true, "\(body) -> \(description ?? "accepted")")
    }

    @Test func decodesPointerEscapes() throws {
        #expect(try PatchOperation.pointerTokens("/a~1b/c~0d", index: 0) == ["a/b", "c~d"])
    }
}
