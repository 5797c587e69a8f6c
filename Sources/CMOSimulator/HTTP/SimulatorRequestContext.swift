import Hummingbird
import Logging
import NIOCore

/// The request context of the simulator: Hummingbird's core storage plus the connection, so that a request can be
/// dropped without an answer.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
