import Foundation
import Live
import ServiceLifecycle

/// Runs live ingest (the RTMP listener and, when enabled, the SRT listener, both owned by `LiveService`)
/// beside the HTTP origin and stops it with the same graceful shutdown: publishers and callers are
/// disconnected and their last segments written before the process exits.
struct LiveListenersService: Service {
    let live: LiveService
    let announce: @Sendable (LiveService.Ports) -> Void

    func run() async throws {
        let ports = try await live.start()
        announce(ports)
        try? await gracefulShutdown()
        try await live.shutdown()
    }
}
