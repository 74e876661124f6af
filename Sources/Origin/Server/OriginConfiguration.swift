import Foundation

/// Everything the origin needs to start, decoded once by the `mediaserve` command from
/// config/mediaserve.yaml, the environment and flags, and passed down (no global state).
public struct OriginConfiguration: Sendable {
    public var host: String
    /// 0 binds an ephemeral port (tests); the bound one is reported through `OriginServer.onListening`.
    public var port: Int
    /// `Access-Control-Allow-Origin`; `*` by default.
    public var corsAllowOrigin: String
    /// Largest source upload accepted by `POST /api/v1/assets` (413 above it).
    public var maxUploadBytes: Int
    /// Bearer key of the admin API; nil disables the API (every call answers 401).
    public var apiKey: String?
    /// Where the preview page loads its player scripts from (a directory URL ending in `/`).
    public var playerBaseURL: String
    /// A local directory served under `/player/` (Video.js and friends) so the preview works offline.
    public var playerDirectory: URL?
    /// Bytes read from disk per write when streaming a segment.
    public var segmentChunkBytes: Int
    /// Send segment bodies with sendfile(2) (plain HTTP/1); false streams them in `segmentChunkBytes` reads.
    public var useSendfile: Bool
    /// Answer VOD GET/HEAD requests whose answer is in memory on the event loop (`MediaFastPath`, config
    /// `http.fast_path`); false sends every request through Hummingbird.
    public var useFastPath: Bool = true
    /// Bounds of the fast path's whole-answer cache of VOD manifests (`ManifestAnswerCache`); 0 entries
    /// turns it off.
    public var manifestAnswerCacheEntries = 4096
    public var manifestAnswerCacheBytes = 32 << 20
    /// HTTPS with HTTP/2 (issue 12): nil serves plain HTTP/1.1.
    public var tls: CertificateStore?
    /// With `tls`: a plain-HTTP port answering 301 to HTTPS (nil: none).
    public var redirectPort: Int?
    /// Connection limits and the header, idle and write timeouts (hostile clients, issue 17).
    public var connections: HTTPConnectionLimits
    /// Only `/healthz`, `/readyz`, `/time` and `/metrics`: a node without the origin role (`serve --roles
    /// worker,live`, issue 14) answers its orchestrator and Prometheus, and serves no media or admin API.
    public var opsOnly = false

    public init(
        host: String = "127.0.0.1", port: Int = 8080, corsAllowOrigin: String = "*",
        maxUploadBytes: Int = 4 << 30, apiKey: String? = nil, playerBaseURL: String = "/player/",
        playerDirectory: URL? = nil, segmentChunkBytes: Int = 256 * 1024,
        useSendfile: Bool = true, connections: HTTPConnectionLimits = HTTPConnectionLimits()
    ) {
        self.connections = connections
        self.useSendfile = useSendfile
        self.host = host
        self.port = port
        self.corsAllowOrigin = corsAllowOrigin
        self.maxUploadBytes = maxUploadBytes
        self.apiKey = apiKey
        self.playerBaseURL = playerBaseURL
        self.playerDirectory = playerDirectory
        self.segmentChunkBytes = segmentChunkBytes
    }
}
