import Testing

@Test func placeholder_CMOSimulator() {
    #expect(Bool(true))
}
