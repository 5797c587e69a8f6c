import Testing

@testable import CMOSimulator

@Suite struct StrictJSONTests {
    @Test(arguments: [
        #"[{"op":"replace","path":"/status","value":"ACTIVE"}]"#, "[]", "{}", " [ 1 , -0.5e+3 , true , null ] ",
        #"{"a":"\u00e9\n"}"#, "\"x\"", "0",
    ])
    func acceptsValidJSON(text: String) {
        #expect(StrictJSON.decode(Array(text.utf8)) != nil)
    }

    @Test(arguments: [
        "[1,]", #"{"a":1,}"#, "\u{FEFF}[1]", "[1] x", "01", "1.", "-", "[", #"{"a"}"#, #"{a:1}"#, "'x'", "\"\t\"", #""\x""#,
        "NaN", "[1 2]", "", String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(StrictJSON.decode(Array(text.utf8)) == nil)
    }
}
