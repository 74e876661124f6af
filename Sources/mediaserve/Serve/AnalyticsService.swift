import Analytics
import Logging
import ServiceLifecycle

/// The analytics loop beside the HTTP origin: sessions and events written every second, rollups every
/// minute, the TTL purge every hour; a last flush on graceful shutdown.
struct AnalyticsService: Service {
    let recorder: AnalyticsRecorder
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await recorder.run { [logger] message in logger.warning("\(message)") }
        }
        try? recorder.flush()
    }
}
