import Testing

@testable import CMOClient

@Suite struct JSONValueTests {
    @Test func integersStayIntegersAndICCIDStringsStayExact() throws {
        let json = try JSONValue(
            parsing: #"{"iccid":"89490200001640018498","big":8949020000164001849,"n":-42,"x":1.5,"e":1e3}"#)
        #expect(json["iccid"] == .string("89490200001640018498"))
        #expect(json["big"] == .int(8_949_020_000_164_001_849))
        #expect(json["n"] == .int(-42))
        #expect(json["x"] == .double(1.5))
        #expect(json["e"] == .double(1000))
    }

    @Test func int64EdgesStayIntegers() throws {
        #expect(try JSONValue(parsing: "9223372036854775807") == .int(.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .int(.min))
        #expect(try JSONValue(parsing: "-0") == .int(0))
        #expect(try JSONValue(parsing: "9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue(parsing: #""ünïcödé""#) == .string("ünïcödé"))
        #expect(throws: CMOError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func integersBeyondInt64BecomeDoubles() throws {
        #expect(try JSONValue(parsing: "98765432109876543210") == .double(9.876543210987654e19))
    }

    @Test func objectsKeepKeyOrder() throws {
        let json = try JSONValue(parsing: #"{"z":1,"a":2,"m":{"y":true,"b":null}}"#)
        #expect(json.objectValue?.keys == ["z", "a", "m"])
        #expect(json.serialized() == #"{"z":1,"a":2,"m":{"y":true,"b":null}}"#)
    }

    @Test func objectEqualityIgnoresOrder() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"b":2}"#) == JSONValue(parsing: #"{"b":2,"a":1}"#))
        #expect(try JSONValue(parsing: #"{"a":1,"b":2}"#) != JSONValue(parsing: #"{"a":1,"b":3}"#))
    }

    @Test func escapesRoundTrip() throws {
        let text = #"["tab\t", "quote\"", "uni\u00e9\ud83d\ude00", "slash\/", "ctl\u0001"]"#
        let json = try JSONValue(parsing: text)
        #expect(json[0] == .string("tab\t"))
        #expect(json[1] == .string("quote\""))
        #expect(json[2] == .string("unié😀"))
        #expect(json[3] == .string("slash/"))
        #expect(try JSONValue(parsing: json.serialized()) == json)
        #expect(json.serialized().contains(#"\u0001"#))
    }

    @Test func prettyPrintingIndentsByTwo() throws {
        let json = try JSONValue(parsing: #"{"a":[1,2],"b":{}}"#)
        #expect(json.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    @Test(arguments: [
        (#"{"id": "JASPER-1", "status": }"#, "expected a value at byte 29"),
        (#"{"id" "x"}"#, "expected ':' after an object key"),
        (#"[1, 2"#, "expected ',' or ']' in an array"),
        (#"{"a":1} trailing"#, "expected end of document"),
        ("<html>Bad Gateway</html>", "expected a value at byte 0"),
        (#"{"a":"\x"}"#, "expected a valid escape sequence"),
        ("", "expected a value at byte 0"),
        (#"[01]"#, "expected ',' or ']'"),
    ])
    func malformedJSONSaysWhatWasExpected(text: String, expected: String) {
        #expect {
            try JSONValue(parsing: text, expecting: "a product object")
        } throws: { error in
            guard let error = error as? CMOError else { return false }
            return error.kind == .decoding && error.message.contains(expected)
                && error.message.contains("of a product object")
        }
    }

    @Test func malformedJSONExcerptIsShortAndSafe() throws {
        let token = String(repeating: "eyJhbGciOiJSUzI1NiJ9", count: 4)
        let body = #"{"access_token":""# + token + #"","x":"# + String(repeating: "a", count: 500)
        let error = try #require(throws: CMOError.self) { try JSONValue(parsing: body) }
        #expect(!error.description.contains(token))
        #expect(error.description.count < 300)
    }

    @Test func deepNestingIsRejectedNotCrashing() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: CMOError.self) { try JSONValue(parsing: text) }
    }

    @Test func productHelpers() throws {
        let product = try JSONValue(
            parsing: """
                {"id":"JASPER-8949","productCharacteristic":[{"name":"SYSTEM","value":"JASPER"}],
                 "productRelationship":[{"type":"BUNDLED","product":{"id":"JASPER-8949-simCard",
                 "productCharacteristic":[{"name":"ICCID","value":"8949"}]}}]}
                """)
        #expect(product.backend == "JASPER")
        #expect(product.iccid == "8949")
        #expect(product.bundledProduct(suffix: "simCard")?["id"] == "JASPER-8949-simCard")
    }
}
