import Testing

@Test func placeholder_CMOEngine() {
    #expect(Bool(true))
}
