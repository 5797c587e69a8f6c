import Testing

@Test func placeholder_CMOClient() {
    #expect(Bool(true))
}
