import Hummingbird

/// Answers every method but GET with 405 (`Allow: GET`), before any route: nothing the window serves can change
/// state.
struct ReadOnlyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get else {
            return Response(
                status: .methodNotAllowed, headers: [.allow: "GET", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "405 method not allowed: this window is read-only\n")))
        }
        return try await next(request, context)
    }
}
