import AsyncHTTPClient
import NIOCore

/// A request that got no HTTP answer, classified by whether the request may have reached the server.
struct TransportFailure: Error, Sendable, Hashable {
    /// How far the request got.
    enum Stage: Sendable, Hashable {
        /// No connection was made: the server cannot have seen the request.
        case notSent
        /// The connection failed after the request may have been sent.
        case maybeSent
    }

    var stage: Stage
    var isTimeout: Bool
    /// A short description without URLs or headers.
    var summary: String
    /// A failure a person must fix (trust, certificate, proxy): not retried, reported as a configuration error.
    var problem: ConnectionProblem?

    /// Classifies an error thrown by `HTTPClient.execute` on a connection direct or through a proxy.
    init(classifying error: any Error, proxied: Bool) {
        self.init(classifying: error)
        problem = ConnectionProblem(classifying: error, proxied: proxied)
        if problem != nil { stage = .notSent }
    }

    /// Classifies an error thrown by `HTTPClient.execute`.
    init(classifying error: any Error) {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                self.init(stage: .notSent, isTimeout: true, summary: "connect timed out")
            case .deadlineExceeded:
                self.init(stage: .maybeSent, isTimeout: true, summary: "request timed out")
            case .readTimeout:
                self.init(stage: .maybeSent, isTimeout: true, summary: "read timed out")
            case .remoteConnectionClosed:
                self.init(stage: .maybeSent, isTimeout: false, summary: "connection closed by the server")
            case .cancelled:
                self.init(stage: .maybeSent, isTimeout: false, summary: "request cancelled")
            default:
                self.init(stage: .maybeSent, isTimeout: false, summary: "HTTP client error \(error)")
            }
        } else if String(describing: type(of: error)) == "NIOConnectionError" {
            // NIOPosix's type (every connect attempt failed); matched by name to keep NIOPosix out of the target.
            self.init(stage: .notSent, isTimeout: false, summary: "cannot connect")
        } else if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                self.init(stage: .notSent, isTimeout: true, summary: "connect timed out")
            default:
                self.init(stage: .maybeSent, isTimeout: false, summary: "channel error \(error)")
            }
        } else if let error = error as? IOError {
            // ECONNREFUSED means nothing was sent; a reset or broken pipe may come after the request went out.
            let refused = error.errnoCode == 111 || error.errnoCode == 61
            self.init(
                stage: refused ? .notSent : .maybeSent, isTimeout: false,
                summary: refused ? "connection refused" : "I/O error (errno \(error.errnoCode))")
        } else {
            self.init(stage: .maybeSent, isTimeout: false, summary: "transport error \(type(of: error))")
        }
    }

    init(stage: Stage, isTimeout: Bool, summary: String, problem: ConnectionProblem? = nil) {
        self.stage = stage
        self.isTimeout = isTimeout
        self.summary = summary
        self.problem = problem
    }
}
