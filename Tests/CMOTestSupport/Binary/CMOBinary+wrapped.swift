import Foundation

extension CMOBinary {
    /// Starts `wrapper... cmo arguments...` (a command that runs the next one, e.g. `faketime -f +30s`) and returns
    /// at once; as ``start(_:environment:in:input:)`` otherwise.
    package static func start(
        wrappedIn wrapper: [String], _ arguments: [String], environment: [String: String]? = nil, in directory: String? = nil
    ) throws(CommandError) -> RunningCommand {
        guard let command = wrapper.first else { return try start(arguments, environment: environment, in: directory) }
        return try RunningCommand(
            executable: URL(fileURLWithPath: command), arguments: Array(wrapper.dropFirst()) + [try url().path] + arguments,
            environment: environment, directory: directory, input: nil)
    }
}
