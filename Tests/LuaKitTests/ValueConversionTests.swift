import Testing
import LuaKit

@Suite struct ValueConversionTests {
    @Test func scalarsKeepTheirLuaSubtypes() throws {
        #expect(try evaluate("nil") == .nil)
        #expect(try evaluate("true") == .boolean(true))
        #expect(try evaluate("false") == .boolean(false))
        #expect(try evaluate("1") == .integer(1))
        #expect(try evaluate("1.0") == .number(1.0))
        #expect(try evaluate("math.maxinteger") == .integer(.max))
        #expect(try evaluate("2^63") == .number(9.223372036854775808e18))
        #expect(try evaluate("json.null") == .null)
    }

    @Test func stringsAreBytesAndInvalidUTF8StaysBytes() throws {
        #expect(try evaluate(#""héllo""#) == .string("héllo"))
        #expect(try evaluate(#""\xff\xfe""#) == .bytes([0xFF, 0xFE]))
        #expect(try evaluate(#""a\0b""#) == .string("a\u{0}b"))
    }

    @Test func sequencesBecomeArraysAndStringKeysObjects() throws {
        #expect(try evaluate("{1, 2, 3}") == .array([1, 2, 3]))
        #expect(try evaluate("{a = 1, b = 'x'}") == .object(["a": 1, "b": "x"]))
        #expect(try evaluate("{a = {1, {b = true}}}") == .object(["a": .array([1, .object(["b": true])])]))
    }

    @Test func emptyTablesAreObjectsUnlessMarked() throws {
        #expect(try evaluate("{}") == .object([:]))
        #expect(try evaluate("json.array()") == .array([]))
        #expect(try evaluate("json.array({})") == .array([]))
        #expect(try evaluate("json.object()") == .object([:]))
        #expect(try evaluate("json.object({1, 2})") == .object(["1": 1, "2": 2]))
    }

    @Test func nullIsDistinctFromNilInsideTables() throws {
        #expect(try evaluate("{1, json.null, 3}") == .array([1, .null, 3]))
        #expect(try evaluate("{a = json.null}") == .object(["a": .null]))
    }

    @Test func unconvertibleValuesAreErrorsNotHangs() {
        #expect(throws: LuaError.self) { try evaluate("print") }
        do {
            _ = try evaluate("(function() local t = {} t.self = t return t end)()")
            Issue.record("a cycle converted")
        } catch {
            #expect(error.message.contains("table contains a cycle at self"))
        }
        do {
            _ = try evaluate("{1, 2, x = 3}")
            Issue.record("mixed keys converted")
        } catch {
            #expect(error.message == "cannot convert a table that mixes string and integer keys")
        }
        do {
            _ = try evaluate("{[1] = 1, [3] = 3}")
            Issue.record("a sparse array converted")
        } catch {
            #expect(error.message == "cannot convert a sparse array (2 items, highest index 3)")
        }
        do {
            _ = try evaluate("{[1.5] = true}")
            Issue.record("a float key converted")
        } catch {
            #expect(error.message == "cannot convert a table with key 1.5")
        }
    }

    @Test func sharedSubtablesAreNotCycles() throws {
        #expect(try evaluate("(function() local s = {1} return {s, s} end)()") == .array([[1], [1]]))
    }

    @Test func nestingDepthIsLimited() throws {
        let deep = "(function() local t = {} local c = t for i = 1, 300 do c.x = {} c = c.x end return t end)()"
        do {
            _ = try evaluate(deep)
            Issue.record("300 levels converted")
        } catch {
            #expect(error.message.hasPrefix("tables nested deeper than 200"))
        }
    }

    @Test func pushedValuesRoundTrip() throws {
        let state = LuaState()
        state.openSandbox(LuaSandbox())
        state.openJSON()
        let value: LuaValue = .object([
            "iccid": "89490200001640018498", "count": .integer(.max), "ratio": 0.5, "ok": true, "none": .null,
            "list": .array([1, 2.5, "x"]), "empty": .array([]), "raw": .bytes([0xC3, 0x28]),
        ])
        let stack = state.stack
        stack.push(value)
        #expect(try stack.value(at: -1) == value)
        stack.setGlobal("v")
        #expect(try state.execute("return math.type(v.count)") == "integer")
        #expect(try state.execute("return v.iccid") == "89490200001640018498")
        #expect(try state.execute("return v.none == json.null") == true)
        #expect(try state.execute("return json.encode(v.empty)") == "[]")
    }
}
