import MediaCore

/// Where and how the SRT listener accepts publishers (`srt://host:port?streamid=<stream-key>`).
public struct SRTServerConfiguration: Sendable, Equatable {
    public var host: String
    /// UDP port; 0 picks a free one (tests).
    public var port: Int
    /// Receiver latency in milliseconds: how long libsrt holds packets to recover losses before handing
    /// them over (libsrt's default 120 suits a LAN; 4x the round trip suits the Internet).
    public var latencyMilliseconds: Int
    /// When set, every caller must use it (AES); a caller without it or with another one is refused
    /// during the handshake. 10 to 79 characters (libsrt's rule).
    public var passphrase: String?
    /// Callers connected at once; beyond it new ones are refused during the handshake, so a flood cannot
    /// exhaust threads or memory.
    public var maxCallers: Int
    /// A caller that sends no media for this long (a stalled encoder) is disconnected. A vanished one is
    /// noticed sooner: libsrt breaks a connection after 5 s without a packet from the peer.
    public var readTimeoutSeconds: Double

    public init(host: String = "0.0.0.0", port: Int = 9000, latencyMilliseconds: Int = 120, passphrase: String? = nil,
                maxCallers: Int = 100, readTimeoutSeconds: Double = 30) {
        self.host = host
        self.port = port
        self.latencyMilliseconds = latencyMilliseconds
        self.passphrase = passphrase
        self.maxCallers = maxCallers
        self.readTimeoutSeconds = readTimeoutSeconds
    }
}

/// Decides which stream an SRT stream key publishes to; nil refuses the key. It runs during the SRT
/// handshake on libsrt's receiver thread, so it is synchronous and must be quick (a catalog lookup).
public typealias SRTStreamKeyValidator = @Sendable (_ streamKey: String) -> PublishTarget?
