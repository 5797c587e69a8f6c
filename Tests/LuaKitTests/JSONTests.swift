import Foundation
import Testing
import LuaKit

@Suite struct JSONTests {
    @Test func integersStayIntegersAndFloatsFloats() throws {
        #expect(try evaluate(#"math.type(json.decode("1"))"#) == "integer")
        #expect(try evaluate(#"math.type(json.decode("1.0"))"#) == "float")
        #expect(try evaluate(#"math.type(json.decode("1e2"))"#) == "float")
        #expect(try evaluate(#"json.decode("-9223372036854775808")"#) == .integer(.min))
        #expect(try evaluate(#"json.decode("9223372036854775807")"#) == .integer(.max))
    }

    @Test func integersTooLargeBecomeFloats() throws {
        #expect(try evaluate(#"math.type(json.decode("9223372036854775808"))"#) == "float")
        #expect(try evaluate(#"json.decode("123456789012345678901234")"#) == .number(1.2345678901234568e23))
    }

    @Test func iccidStringsNeverPassThroughADouble() throws {
        let iccid = "89882806660004909182"
        #expect(try evaluate(#"json.decode('{"ICCID":"\#(iccid)"}').ICCID"#) == .string(iccid))
        #expect(try evaluate(#"json.encode({ICCID = "\#(iccid)"})"#) == .string(#"{"ICCID":"\#(iccid)"}"#))
    }

    @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
        #expect(try evaluate(#"json.decode([["a\"b\\c\/d\n\u00e9\ud83d\ude00"]])"#) == .string("a\"b\\c/d\né😀"))
    }

    @Test func nullArraysAndObjectsDecode() throws {
        #expect(try evaluate(#"json.decode("[1, null, {\"a\": []}]")"#) == .array([1, .null, .object(["a": .array([])])]))
        #expect(try evaluate(#"json.decode("null") == json.null"#) == true)
        #expect(try evaluate(#"json.encode(json.decode("[]"))"#) == "[]")
        #expect(try evaluate(#"json.encode(json.decode("{}"))"#) == "{}")
    }

    @Test func decodedArraysStayArraysWhenEmptied() throws {
        #expect(try evaluate(#"(function() local t = json.decode("[1]") t[1] = nil return json.encode(t) end)()"#) == "[]")
    }

    @Test func encodeIsStableAndExact() throws {
        #expect(try evaluate(#"json.encode({b = 1, a = {1.5, 2.0, "x"}, c = json.null, d = true})"#)
            == #"{"a":[1.5,2.0,"x"],"b":1,"c":null,"d":true}"#)
        #expect(try evaluate(#"json.encode("tab\tquote\"\1")"#) == #""tab\tquote\"\u0001""#)
        #expect(try evaluate(#"json.encode({a = {1}}, {indent = 2})"#) == "{\n  \"a\": [\n    1\n  ]\n}")
        #expect(try evaluate(#"json.encode(nil)"#) == "null")
    }

    @Test func roundTripPreservesEverything() throws {
        let document = #"{"a":[1,2.5,-3,1e+300,"\u0000x"],"b":{"c":null,"d":false},"e":"ü"}"#
        #expect(try evaluate("json.encode(json.decode([[\(document)]]))") == .string(document))
    }

    @Test(arguments: [
        ("", "json.decode: empty input at line 1, column 1"),
        ("{", "json.decode: unexpected end of input, expected a string key at line 1, column 2"),
        ("[1,]", "json.decode: unexpected character ']', expected a value at line 1, column 4"),
        ("{\"a\" 1}", "json.decode: unexpected character '1', expected ':' at line 1, column 6"),
        ("[1]\n x", "json.decode: unexpected character 'x' after the value at line 2, column 2"),
        ("01", "json.decode: leading zero in number at line 1, column 2"),
        ("\"\\q\"", "json.decode: invalid escape '\\q' at line 1, column 3"),
        ("\"\\ud800\"", "json.decode: lone surrogate in \\u escape at line 1, column 8"),
        ("tru", "json.decode: unexpected character 't', expected a value at line 1, column 1"),
        ("\"abc", "json.decode: unterminated string at line 1, column 5"),
    ])
    func malformedTextGivesPlacedErrors(text: String, message: String) async {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        let (outcome, _) = await runScript("local t = json.decode(\"\(escaped)\")")
        #expect(failureMessage(outcome) == "script.lua:1: \(message)")
    }

    @Test func encodeRefusesWhatJSONCannotHold() async {
        let cases: [(String, String)] = [
            ("json.encode(0/0)", "script.lua:1: json.encode: cannot encode NaN as JSON"),
            ("json.encode(1/0)", "script.lua:1: json.encode: cannot encode infinity as JSON"),
            ("json.encode('\\xff')", "script.lua:1: json.encode: cannot encode a string that is not valid UTF-8"),
            ("json.encode({print})", "script.lua:1: bad argument #1 to 'encode' (cannot convert a function at [1])"),
            ("json.encode({1, x = 1})", "script.lua:1: bad argument #1 to 'encode' (cannot convert a table that mixes string and integer keys)"),
        ]
        for (source, message) in cases {
            let (outcome, _) = await runScript(source)
            #expect(failureMessage(outcome)?.hasPrefix(message) == true, "\(source): \(String(describing: failureMessage(outcome)))")
        }
    }

    @Test func deepDocumentsAreRefused() async {
        let (outcome, _) = await runScript("json.decode(string.rep('[', 500) .. string.rep(']', 500))")
        #expect(failureMessage(outcome) == "script.lua:1: json.decode: nesting deeper than 200 at line 1, column 201")
    }
}
