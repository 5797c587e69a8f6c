import Mustache

/// The status pages' mustache templates (`Templates/*.mustache`, compiled into the binary), parsed once.
struct PageTemplates: Sendable {
    let library: MustacheLibrary

    /// Parses the embedded templates; a template that does not parse is a bug caught by the tests.
    init() throws {
        var library = MustacheLibrary()
        let sources: [(String, [UInt8])] = [
            ("head", PackageResources.head_mustache), ("status", PackageResources.status_mustache),
            ("run", PackageResources.run_mustache), ("missing", PackageResources.missing_mustache),
        ]
        for (name, bytes) in sources {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// Renders template `name` with `context` (HTML-escaped values).
    func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}
