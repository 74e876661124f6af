import Foundation
import Live
import ServiceLifecycle

/// Runs live ingest (the RTMP listener) beside the HTTP origin and stops it with the same graceful
/// shutdown: publishers are disconnected and their last segments written before the process exits.
struct RTMPService: Service {
    let live: LiveService
    let announce: @Sendable (Int) -> Void

    func run() async throws {
        let port = try await live.start()
        announce(port)
        try? await gracefulShutdown()
        try await live.shutdown()
    }
}
