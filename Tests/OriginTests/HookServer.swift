import Foundation
import Hummingbird
import Synchronization

/// An external authorisation service for the webhook tests: a real HTTP server on an ephemeral port
/// that records every JSON body POSTed to `/hook` and answers with the status `answer` chooses (which
/// may also take its time, to play a slow service).
enum HookServer {
    typealias Query = [String: String]

    final class Log: Sendable {
        private let entries = Mutex<[Query]>([])
        func append(_ query: Query) { entries.withLock { $0.append(query) } }
        var queries: [Query] { entries.withLock { $0 } }
    }

    static func with<T: Sendable>(answer: @escaping @Sendable (Query) async throws -> HTTPResponse.Status,
                                  _ body: @Sendable (_ url: String, _ log: Log) async throws -> T) async throws -> T {
        let log = Log()
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let data = try await request.collectBody(upTo: 64 << 10)
            let object = (try JSONSerialization.jsonObject(with: Data(buffer: data)) as? [String: Any]) ?? [:]
            let query = object.compactMapValues { $0 as? String }
            log.append(query)
            return Response(status: try await answer(query))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let hook = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                               onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await hook.runService() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw HookServerError.noPort }
            return try await body("http://127.0.0.1:\(port)/hook", log)
        }
    }

    enum HookServerError: Error { case noPort }
}
