import Catalog
import Config
import Foundation
import Live
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the SRT listener beside the HTTP origin and the RTMP listener, publishing into the same live
/// streams with the same keys, and stops it with the same graceful shutdown: callers are disconnected
/// and their last segments written before the process exits.
struct SRTService: Service {
    let server: SRTServer
    let announce: @Sendable (Int) -> Void

    /// An SRT listener over `streams`, with keys looked up in the catalog (as the RTMP listener does).
    init(config: MediaServeConfig.SRT, streams: LiveStreams, catalog: any CatalogStore, logger: Logger,
         announce: @escaping @Sendable (Int) -> Void) {
        let configuration = SRTServerConfiguration(host: config.host, port: config.port, latencyMilliseconds: config.latencyMilliseconds,
                                                   passphrase: config.passphrase)
        server = SRTServer(configuration: configuration, streams: streams, validateKey: { key in
            (try? catalog.liveStream(key: key)).flatMap { $0 }?.id
        }, logger: logger)
        self.announce = announce
    }

    func run() async throws {
        let port = try server.start()
        announce(port)
        try? await gracefulShutdown()
        await server.shutdown()
    }

    static func printBanner(host: String, port: Int) {
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        let text = "  SRT        srt://\(shown):\(port)?streamid=<stream-key>   (MPEG-TS; same keys as RTMP)\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// A listener's port once it is bound (the admin API shows it in publishing URLs).
final class ListenerPort: Sendable {
    let value = Mutex<Int?>(nil)
}
