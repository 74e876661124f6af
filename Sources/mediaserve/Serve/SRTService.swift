import Config
import Foundation
import Live
import Logging
import ServiceLifecycle

/// Runs the SRT listener beside the HTTP origin and the RTMP listener, publishing into the same live
/// streams with the same keys, and stops it with the same graceful shutdown: callers are disconnected
/// and their last segments written before the process exits.
struct SRTService: Service {
    let server: SRTServer
    let announce: @Sendable (Int) -> Void

    /// An SRT listener over the live service's streams, with its keys (those the RTMP listener takes).
    init(config: MediaServeConfig.SRT, live: LiveService, logger: Logger, announce: @escaping @Sendable (Int) -> Void) {
        let configuration = SRTServerConfiguration(host: config.host, port: config.port, latencyMilliseconds: config.latencyMilliseconds,
                                                   passphrase: config.passphrase)
        server = SRTServer(configuration: configuration, streams: live.streams, validateKey: { live.stream(forKey: $0) }, logger: logger)
        self.announce = announce
    }

    func run() async throws {
        let port = try server.start()
        announce(port)
        try? await gracefulShutdown()
        await server.shutdown()
    }

    static func printBanner(host: String, port: Int) {
        let text = "  SRT        srt://\(ServeCommand.displayHost(host)):\(port)?streamid=<stream-key>   (MPEG-TS; same keys as RTMP)\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
