import Foundation
import Live
import ServiceLifecycle

/// Runs the RTMP listener beside the HTTP origin and stops it with the same graceful shutdown:
/// publishers are disconnected and their last segments written before the process exits.
struct RTMPService: Service {
    let server: RTMPServer
    let announce: @Sendable (Int) -> Void

    func run() async throws {
        let port = try await server.start()
        announce(port)
        try? await gracefulShutdown()
        try await server.shutdown()
    }
}
