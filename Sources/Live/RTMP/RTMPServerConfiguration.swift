import MediaCore
import NIOCore
import RTMP

/// Where and how the RTMP listener accepts publishers (`rtmp://host:port/<application>/<stream-key>`).
public struct RTMPServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests); 1935 is RTMP's registered port.
    public var port: Int
    public var application: String
    /// A connection must ask to publish this soon after it opens (handshake, connect, publish), or it is
    /// closed: half-open handshakes cannot pile up.
    public var publishTimeout: TimeAmount
    /// A connection that sends nothing for this long (stalled encoder, dead network) is closed. Longer
    /// than `publishTimeout`: an encoder may sit quiet for seconds between publish and its first frame.
    public var readTimeout: TimeAmount
    public var limits: RTMPLimits
    /// Connections open at once (publishers and half-open handshakes); beyond it new ones are closed
    /// at once, so a flood cannot exhaust file descriptors or memory.
    public var maxConnections: Int
    /// Connections open at once from one client address (0: no per-address limit).
    public var maxConnectionsPerAddress: Int
    /// Bytes of unfinished messages all connections together may hold; the connection that would go past
    /// it is closed (each one alone is bounded by `limits`).
    public var maxBufferedBytesTotal: Int

    public init(host: String = "0.0.0.0", port: Int = 1935, application: String = "live",
                publishTimeout: TimeAmount = .seconds(10), readTimeout: TimeAmount = .seconds(30),
                limits: RTMPLimits = .default, maxConnections: Int = 1000, maxConnectionsPerAddress: Int = 100,
                maxBufferedBytesTotal: Int = 256 << 20) {
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.maxBufferedBytesTotal = maxBufferedBytesTotal
        self.maxConnections = maxConnections
        self.host = host
        self.port = port
        self.application = application
        self.publishTimeout = publishTimeout
        self.readTimeout = readTimeout
        self.limits = limits
    }
}

/// Decides which stream (and which of its inputs) a stream key publishes to; nil refuses the key. (The
/// catalog's live_streams table answers this in `mediaserve serve`; tests pass a dictionary.)
public typealias StreamKeyValidator = @Sendable (_ streamKey: String) async -> PublishTarget?
