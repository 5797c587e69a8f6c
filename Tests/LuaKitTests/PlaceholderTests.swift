import Testing

@Test func placeholder_LuaKit() {
    #expect(Bool(true))
}
