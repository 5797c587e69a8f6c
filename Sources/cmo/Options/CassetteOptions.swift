import ArgumentParser
import CMOClient
import CMOEngine
import CMOWorkbench
import Foundation

/// `cmo run --record FILE [--mask FIELDS]` and `cmo run --replay FILE`.
struct CassetteOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write every exchange with the API to this cassette (JSON lines, mode 0600): request, answer, timing; never the token, the client secret or Authorization.",
            valueName: "FILE"))
    var record: String?

    @Option(
        help: ArgumentHelp(
            "Answer the API's requests from this cassette instead of the network (each method and path gets its recorded answers in order).",
            valueName: "FILE"))
    var replay: String?

    @Option(
        help: ArgumentHelp(
            "With --record: replace these fields' values consistently in the cassette (comma-separated), e.g. iccid,msisdn.",
            valueName: "FIELDS"))
    var mask: String?

    /// The `--mask` fields.
    var maskedFields: [String] {
        (mask ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate(sim: Bool, noAPI: Bool) throws {
        if record != nil, replay != nil { throw ValidationError("give --record or --replay, not both") }
        if replay != nil, sim || noAPI { throw ValidationError("--replay is the run's API: drop --sim and --no-api") }
        if record != nil, noAPI { throw ValidationError("--record needs an API: drop --no-api") }
        if mask != nil, record == nil { throw ValidationError("--mask goes with --record") }
        if mask != nil, maskedFields.isEmpty { throw ValidationError("--mask needs field names, e.g. --mask iccid,msisdn") }
    }

    /// `api` with the cassette in place: a recorder on its configuration (resolved here, so a configuration problem
    /// is reported as `cmo run` reports it, exit 2), or a replayer instead of it.
    func apply(to api: APISource) throws -> (source: APISource, recorder: CassetteRecorder?) {
        if let replay {
            let replayer: CassetteReplayer
            do {
                replayer = try CassetteReplayer(path: replay)
            } catch {
                FileOutput.standardError.write("cmo: error: \(error)\n")
                throw ExitCode(2)
            }
            let configuration = Configuration(
                apiURL: "http://cassette.invalid", tenant: "replay",
                auth: .init(tokenURL: "http://cassette.invalid/token", clientID: "replay", clientSecret: Secret("")),
                responder: replayer)
            return (.given(configuration), nil)
        }
        guard let record else { return (api, nil) }
        let recorder = CassetteRecorder(path: record, mask: maskedFields)
        switch api {
        case .inProcessSimulator(var configuration):
            configuration.recorder = recorder
            return (.inProcessSimulator(configuration), recorder)
        case .given(var configuration):
            configuration.recorder = recorder
            return (.given(configuration), recorder)
        case .configured:
            do {
                let resolved = try api.resolve()
                for warning in resolved.warnings { FileOutput.standardError.write("cmo: \(warning)\n") }
                guard var configuration = resolved.configuration else { return (api, nil) }
                configuration.recorder = recorder
                return (.given(configuration), recorder)
            } catch {
                FileOutput.standardError.write("cmo: error: \(error.message)\n")
                throw ExitCode(error.exitCode)
            }
        case .none:
            return (api, nil)
        }
    }

    /// Writes the cassette after the run; a failure is reported and makes the run's exit code 2 if it was 0.
    func finish(_ recorder: CassetteRecorder?) -> Bool {
        guard let recorder else { return true }
        do {
            try recorder.write()
            return true
        } catch {
            FileOutput.standardError.write("cmo: cannot write the cassette \(recorder.path): \(error)\n")
            return false
        }
    }
}
