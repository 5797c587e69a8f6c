import Foundation

extension Configuration {
    /// The `journal` key of the profile `CMO_PROFILE` names (else `default`) in the configuration file
    /// (`CMO_CONFIG`, else the default place): where runs are journaled when neither `--journal` nor `CMO_JOURNAL`
    /// says. Nil when the file, the profile or the key is missing.
    ///
    /// - Throws: A `.configuration` `CMOError` when the file does not parse.
    public static func profileJournal(
        profile: String? = nil, configFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CMOError) -> String? {
        let path = configFile ?? defaultConfigFile(environment: environment)
        let name = profile ?? environment["CMO_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return try ConfigurationFile.read(at: path)?.profiles?[name]?.journal
    }
}
