import Catalog
import Config
import Live
import LiveSegmenting
import LiveTranscoding
import Logging
import Origin
import Storage

extension ServeCommand {
    static func liveConfiguration(_ config: MediaServeConfig) -> LiveConfiguration {
        LiveConfiguration(segmentDuration: Double(config.live.segmentSeconds), dvrWindow: Double(config.live.dvrWindowSeconds),
                          partDuration: config.live.partSeconds, partTarget: config.live.lowLatencyPartSeconds,
                          inputLossSeconds: config.live.inputLossSeconds,
                          failback: FailbackMode(rawValue: config.live.failback) ?? .auto,
                          defaultTranscode: config.live.transcodeLadder)
    }

    /// The live role: both listeners over the streams in the catalog, writing into `store` (the data
    /// directory, or the shared bucket every origin reads live streams from).
    static func liveService(_ config: MediaServeConfig, store: any MediaStore, catalog: any CatalogStore, metrics: OriginMetrics,
                            level: Logger.Level) -> LiveService {
        var logger = Logger(label: "mediaserve.live")
        logger.logLevel = level
        let srtSettings = config.srt.enabled
            ? SRTServerConfiguration(host: config.srt.host, port: config.srt.port, latencyMilliseconds: config.srt.latencyMilliseconds,
                                     passphrase: config.srt.passphrase)
            : nil
        return LiveService(
            settings: .init(rtmp: RTMPServerConfiguration(host: config.rtmp.host, port: config.rtmp.port,
                                                         maxConnectionsPerAddress: config.rtmp.maxConnectionsPerAddress),
                            srt: srtSettings, live: liveConfiguration(config),
                            disconnectTimeout: Double(config.live.disconnectTimeoutSeconds)),
            data: store, catalog: catalog,
            authorisePublish: AccessWiring.publishAuthoriser(config, logger: Logger(label: "mediaserve.origin", level: level)),
            transcoder: LiveTranscoder.factory(
                settings: LiveTranscodeSettings(preset: config.live.transcodePreset, tune: config.live.transcodeTune,
                                                maxLagSeconds: Double(config.live.transcodeMaxLagMilliseconds) / 1000),
                logger: Logger(label: "mediaserve.live.transcode", level: level)),
            logger: logger,
            observer: { event in
                if case .rungShed(let stream, let rendition, _) = event { metrics.recordRungShed(stream: stream, rendition: rendition) }
            })
    }
}
