import Testing

@Test func placeholder_cmo() {
    #expect(Bool(true))
}
