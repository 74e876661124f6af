import Foundation
import MediaCore

/// The whole effective configuration of one `mediaserve` process: decoded once at start-up from built-in
/// defaults, config/mediaserve.yaml, `MEDIASERVE_*` environment variables and flags (in that order of
/// precedence), then passed down by value. Nothing reads configuration from anywhere else.
///
/// Field names mirror the YAML keys (`http.cors_allow_origin` is `http.corsAllowOrigin`); the key table
/// in `ConfigSchema` is the single list of keys, types and environment variable names.
public struct MediaServeConfig: Sendable, Hashable {
    /// Root of the data directory (catalog.sqlite, vod/, live/, staging/). Relative paths are relative
    /// to the working directory of the process.
    public var dataDir: String
    public var http: HTTP
    public var rtmp: RTMP
    public var srt: SRT
    public var api: API
    public var log: Log
    /// Path of the ladder file (config/ladder.yaml); relative to the working directory.
    public var ladder: String
    public var ingest: Ingest
    public var live: Live
    public var player: Player
    public var analytics: Analytics
    public var contentAPI: ContentAPI
    /// Issue 12: who may play what (signed URLs, JWT tiers, webhook, geo and device rules).
    public var access: Access = Access()
    /// Encrypted delivery (issue 13).
    public var drm: DRM = DRM()
    /// Issue 14: where published media live (the data directory, or an S3-compatible bucket).
    public var storage: Storage = Storage()
    /// Issue 14: what `serve` runs on this node.
    public var node: Node = Node()

    /// `node.*`: the roles of `serve` (`origin`, `worker`, `live`; all three by default). The names are
    /// checked when `serve` starts (`NodeRoles`), so a typo stops it with the list of valid names.
    public struct Node: Sendable, Hashable {
        public var roles: [String] = ["origin", "worker", "live"]

        public init() {}
    }

    /// Issue 14: the catalog and job queue (SQLite in the data directory, or a shared PostgreSQL).
    public var catalog: CatalogSettings = CatalogSettings()

    /// `catalog.*`: nil `url` keeps the catalog in `data_dir/catalog.sqlite`; `postgres://USER:PASS@HOST:PORT/DB`
    /// shares one PostgreSQL database between nodes (masked when the configuration is printed).
    public struct CatalogSettings: Sendable, Hashable {
        public var url: String?
        /// How long a worker holds a claimed job without a heartbeat (it renews every third of this); a
        /// worker that dies loses its job to another after this long.
        public var jobLeaseSeconds: Int = 30

        public init() {}
    }

    /// `storage.*`: nil `url` keeps media in the data directory; `s3://BUCKET/PREFIX` puts them in a bucket
    /// (credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
    public struct Storage: Sendable, Hashable {
        public var url: String?
        /// `http(s)://host[:port]` of a self-hosted store; nil for AWS's regional endpoint.
        public var s3Endpoint: String?
        public var s3Region: String = "us-east-1"
        /// Bucket in the path (`host/bucket/key`, most self-hosted stores) instead of the host name.
        public var s3PathStyle: Bool = false
        /// The local cache of hot objects and the local staging/uploads; nil: `<data_dir>/cache`.
        public var cacheDir: String?
        public var cacheMaxBytes: Int = 10 << 30

        public init() {}
    }

    public init(dataDir: String = "./data", http: HTTP = HTTP(), rtmp: RTMP = RTMP(), srt: SRT = SRT(), api: API = API(),
                log: Log = Log(), ladder: String = "config/ladder.yaml", ingest: Ingest = Ingest(),
                live: Live = Live(), player: Player = Player(), analytics: Analytics = Analytics(),
                contentAPI: ContentAPI = ContentAPI()) {
        self.analytics = analytics
        self.contentAPI = contentAPI
        self.dataDir = dataDir
        self.http = http
        self.rtmp = rtmp
        self.srt = srt
        self.api = api
        self.log = log
        self.ladder = ladder
        self.ingest = ingest
        self.live = live
        self.player = player
    }

    /// The built-in defaults: what `mediaserve` uses with no file, no environment and no flags.
    public static let defaults = MediaServeConfig()

    /// The development API key shipped in the defaults and in config/mediaserve.yaml. A server still
    /// using it should say so loudly: anyone who has read the source knows it.
    public static let developmentAPIKey = "mediaserve-dev-key-change-me"

    public var usesDevelopmentAPIKey: Bool { api.key == Self.developmentAPIKey }

    /// `dataDir` as a file URL (relative paths resolved against the working directory).
    public var dataDirectoryURL: URL { URL(fileURLWithPath: dataDir).standardizedFileURL }

    /// The HTTP origin's listener and request limits.
    public struct HTTP: Sendable, Hashable {
        public var host: String
        /// 0 asks the system for a free port (tests).
        public var port: Int
        /// Value of Access-Control-Allow-Origin on media responses; empty disables CORS headers.
        public var corsAllowOrigin: String
        /// Largest request body the upload endpoint accepts.
        public var maxUploadBytes: Int
        /// PEM certificate chain and key: both set turns on HTTPS with HTTP/2 (SIGHUP reloads them).
        public var tlsCertFile: String?
        public var tlsKeyFile: String?
        /// With TLS: a plain-HTTP port answering 301 to HTTPS; 0 is none.
        public var redirectPort: Int = 0
        /// Connections open at once (0: only the descriptor limit); past it, health checks only, then 503.
        public var maxConnections: Int
        /// Connections open at once from one client address (0: no per-address limit).
        public var maxConnectionsPerAddress: Int
        /// Seconds a request's head may take to arrive once it has begun (slow-header clients).
        public var headerTimeoutSeconds: Int
        /// Seconds a keep-alive connection may sit idle between requests.
        public var idleTimeoutSeconds: Int
        /// Seconds a client may go without reading anything of a response before it is dropped.
        public var writeTimeoutSeconds: Int
        /// Answer VOD GET/HEAD requests that are in memory on the event loop, ahead of the router (plain
        /// HTTP with sendfile only); false sends every request through Hummingbird (for comparison).
        public var fastPath: Bool = true
        /// Bounds of the fast path's whole-answer cache of VOD manifests; 0 entries turns it off.
        public var manifestAnswerCacheEntries: Int = 4096
        public var manifestAnswerCacheMiB: Int = 32

        public init(host: String = "127.0.0.1", port: Int = 8080, corsAllowOrigin: String = "*",
                    maxUploadBytes: Int = 10 << 30, maxConnections: Int = 10_000, maxConnectionsPerAddress: Int = 512,
                    headerTimeoutSeconds: Int = 10, idleTimeoutSeconds: Int = 20, writeTimeoutSeconds: Int = 30) {
            self.maxConnections = maxConnections
            self.maxConnectionsPerAddress = maxConnectionsPerAddress
            self.headerTimeoutSeconds = headerTimeoutSeconds
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.writeTimeoutSeconds = writeTimeoutSeconds
            self.host = host
            self.port = port
            self.corsAllowOrigin = corsAllowOrigin
            self.maxUploadBytes = maxUploadBytes
        }
    }

    /// The RTMP listener that live publishers push to.
    public struct RTMP: Sendable, Hashable {
        public var host: String
        public var port: Int
        /// Publisher connections open at once from one client address (0: no per-address limit).
        public var maxConnectionsPerAddress: Int

        public init(host: String = "127.0.0.1", port: Int = 1935, maxConnectionsPerAddress: Int = 100) {
            self.maxConnectionsPerAddress = maxConnectionsPerAddress
            self.host = host
            self.port = port
        }
    }

    /// The SRT listener (UDP) that live publishers push MPEG-TS to: one port for every stream, the stream
    /// chosen by the caller's `streamid` (its stream key).
    public struct SRT: Sendable, Hashable {
        public var enabled: Bool
        public var host: String
        /// 9000: the port SRT's own tools and most encoder guides use in their examples. It is UDP, so a
        /// TCP service on 9000 (MinIO, php-fpm) does not collide with it.
        public var port: Int
        /// Receiver latency: how long libsrt holds packets to recover losses (120 ms is libsrt's default,
        /// right for a LAN; use about 4x the round-trip time over the Internet).
        public var latencyMilliseconds: Int
        /// When set, every caller must encrypt with it (10 to 79 characters); nil accepts unencrypted callers.
        /// Secret: masked whenever the configuration is printed.
        public var passphrase: String?

        public init(enabled: Bool = true, host: String = "127.0.0.1", port: Int = 9000, latencyMilliseconds: Int = 120,
                    passphrase: String? = nil) {
            self.enabled = enabled
            self.host = host
            self.port = port
            self.latencyMilliseconds = latencyMilliseconds
            self.passphrase = passphrase
        }
    }

    /// The admin API under /api/v1 (bearer key).
    public struct API: Sendable, Hashable {
        /// Bearer key for /api/v1. Secret: masked whenever the configuration is printed.
        public var key: String

        public init(key: String = MediaServeConfig.developmentAPIKey) {
            self.key = key
        }
    }

    public struct Log: Sendable, Hashable {
        public var level: LogLevel

        public init(level: LogLevel = .info) {
            self.level = level
        }
    }

    public struct Ingest: Sendable, Hashable {
        /// x264 preset. When set in a file, environment or flag it overrides the ladder file's `preset`.
        public var preset: String
        /// Transcode jobs run at the same time.
        public var workers: Int

        public init(preset: String = "veryfast", workers: Int = 1) {
            self.preset = preset
            self.workers = workers
        }
    }

    public struct Live: Sendable, Hashable {
        /// How far back a viewer can seek in a live stream; segments older than this are deleted.
        public var dvrWindowSeconds: Int
        /// Segments listed in a live media playlist when the viewer asks for no `start`/`end` window.
        /// 10 segments of 6 s is one minute: well above RFC 8216's three target durations, short enough
        /// that players start near the live edge and the playlist stays small.
        public var hlsWindowSegments: Int
        /// After the publisher's connection drops, wait this long for it to come back before the stream
        /// is ended (playlists get EXT-X-ENDLIST, DASH becomes static).
        public var disconnectTimeoutSeconds: Int
        /// A YAML file listing live streams (id, key or key_env, mode, DVR window) that `serve` creates or
        /// updates in the catalog at start (config/live-streams.example.yaml); nil: streams come from the
        /// admin API only. Relative to the working directory.
        public var streamsFile: String?
        /// An external authorisation service asked about every RTMP and SRT publisher whose stream key
        /// matched (`{"action": "publish", ...}`, 2xx allows; down or slower than
        /// `access.webhook_timeout_ms` refuses). nil: the stream key alone decides.
        public var publishWebhookURL: String?
        /// Target segment duration: cuts land on the first keyframe at or after each multiple.
        public var segmentSeconds: Int = 6
        /// Low-latency HLS (parts, blocking playlist reload, delta updates) for every live stream that does
        /// not choose itself (`"lowLatency"` on creation, `low_latency` in the streams file).
        public var lowLatencyEnabled = false
        /// The longest low-latency part (LL-HLS PART-TARGET), in seconds (`live.low_latency.part_seconds`).
        public var lowLatencyPartSeconds = 0.5
        /// `live.low_latency.part_milliseconds`, the deprecated name of the same setting.
        public var lowLatencyPartMilliseconds: Int {
            get { Int((lowLatencyPartSeconds * 1000).rounded()) }
            set { lowLatencyPartSeconds = Double(newValue) / 1000 }
        }
        /// Redundant inputs: the active publisher counts as lost after this many seconds without media.
        public var inputLossSeconds = 2.0
        /// `auto`: back to the primary once it is steady again; `manual`: only when asked through the API.
        public var failback = "auto"
        /// Live ABR (issue 15): the rung heights every stream without its own `transcode` gets (empty: none).
        public var transcodeRungs: [String] = []
        /// x264 preset and tune of live rungs.
        public var transcodePreset = "veryfast"
        public var transcodeTune = "zerolatency"
        /// Encoded output may trail the source's arrival by this long before the costliest rung is shed.
        public var transcodeMaxLagMilliseconds = 4_000

        public init(dvrWindowSeconds: Int = 7200, hlsWindowSegments: Int = 10, disconnectTimeoutSeconds: Int = 30,
                    streamsFile: String? = nil, publishWebhookURL: String? = nil) {
            self.dvrWindowSeconds = dvrWindowSeconds
            self.hlsWindowSegments = hlsWindowSegments
            self.disconnectTimeoutSeconds = disconnectTimeoutSeconds
            self.streamsFile = streamsFile
            self.publishWebhookURL = publishWebhookURL
        }

        /// `live.transcode.rungs` as heights; nil when empty. Each was checked at load (`ConfigLoader`).
        public var transcodeLadder: LiveTranscodeLadder? {
            let heights = transcodeRungs.compactMap(Self.height)
            return heights.isEmpty ? nil : LiveTranscodeLadder(rungs: heights)
        }

        /// A rung as configured: `720` or `720p`.
        static func height(_ text: String) -> Int? {
            Int(text.lowercased().hasSuffix("p") ? String(text.dropLast()) : text)
        }

        /// The part duration live streams are cut with, in seconds; nil when low latency is off.
        public var partSeconds: Double? {
            lowLatencyEnabled ? lowLatencyPartSeconds : nil
        }
    }

    /// Encryption of items marked encrypted (`ingest --encrypt`, the API's `encrypted`).
    public struct DRM: Sendable, Hashable {
        /// Seals every content key in the catalog: 32 bytes as hex or base64. Secret. Without it, encrypted
        /// items are not delivered (503 saying why).
        public var masterKey: String?
        /// HLS: `aes-128` (whole segments) or `sample-aes` (cbcs inside fMP4).
        public var hlsMethod: String
        /// DASH: `cenc` (AES-CTR) or `cbcs`.
        public var dashScheme: String
        /// Live streams get a new key every this many seconds of media; 0 = one key per stream.
        public var keyRotationSeconds: Int
        /// SPEKE v2 key server; nil: keys are generated by mediaserve.
        public var spekeURL: String?
        /// `Name: value` header sent to the key server (e.g. `Authorization: Bearer ...`). Secret.
        public var spekeAuthHeader: String?
        /// DRM systems asked of the key server, comma-separated: widevine, playready, fairplay (or system ids).
        public var spekeSystems: String
        /// Encrypted segments and inits kept in memory (LRU, bytes), so repeated requests are not encrypted
        /// again; 0 = encrypt every request.
        public var cacheMaxBytes: Int

        public init(masterKey: String? = nil, hlsMethod: String = "aes-128", dashScheme: String = "cenc",
                    keyRotationSeconds: Int = 0, spekeURL: String? = nil, spekeAuthHeader: String? = nil,
                    spekeSystems: String = "widevine,playready", cacheMaxBytes: Int = 256 << 20) {
            self.masterKey = masterKey
            self.hlsMethod = hlsMethod
            self.dashScheme = dashScheme
            self.keyRotationSeconds = keyRotationSeconds
            self.spekeURL = spekeURL
            self.spekeAuthHeader = spekeAuthHeader
            self.spekeSystems = spekeSystems
            self.cacheMaxBytes = cacheMaxBytes
        }
    }

    /// Where the preview page loads its player from.
    public struct Player: Sendable, Hashable {
        /// URL of the Video.js script; nil lets the origin choose (e.g. local_dir, or a page without it).
        public var scriptURL: String?
        /// A local folder holding the player files, served under /player/ (for machines off the Internet).
        public var localDir: String?

        public init(scriptURL: String? = nil, localDir: String? = nil) {
            self.scriptURL = scriptURL
            self.localDir = localDir
        }
    }
}

extension MediaServeConfig {
    /// Viewer analytics (issue 16): playback events, CMCD, sessions and their retention.
    public struct Analytics: Sendable, Hashable {
        /// Off: no events endpoint, no CMCD crediting, no dashboard.
        public var enabled: Bool
        /// Sessions are deleted this many days after they were last heard from.
        public var sessionTTLDays: Int
        /// Raw events are deleted this many days after they arrived.
        public var eventTTLDays: Int
        /// Event batches a minute from one client address / for one session (429 above).
        public var batchesPerMinutePerAddress: Int
        public var batchesPerMinutePerSession: Int
        /// The request header a CDN puts the viewer's country in; empty: none.
        public var countryHeader: String
        /// Assets and streams that get their own Prometheus series (the most watched now).
        public var metricsTopAssets: Int

        public init(enabled: Bool = true, sessionTTLDays: Int = 90, eventTTLDays: Int = 7, batchesPerMinutePerAddress: Int = 600,
                    batchesPerMinutePerSession: Int = 120, countryHeader: String = "CF-IPCountry", metricsTopAssets: Int = 10) {
            self.enabled = enabled
            self.sessionTTLDays = sessionTTLDays
            self.eventTTLDays = eventTTLDays
            self.batchesPerMinutePerAddress = batchesPerMinutePerAddress
            self.batchesPerMinutePerSession = batchesPerMinutePerSession
            self.countryHeader = countryHeader
            self.metricsTopAssets = metricsTopAssets
        }
    }

    /// The content API for apps (`/api/v1/content`).
    public struct ContentAPI: Sendable, Hashable {
        /// False puts the listing behind the admin key.
        public var isPublic: Bool

        public init(isPublic: Bool = true) {
            self.isPublic = isPublic
        }
    }

    /// The `access.*` keys (issue 12); README "Access control" describes each.
    public struct Access: Sendable, Hashable {
        public static let policies = ["public", "signed", "jwt", "webhook"]

        public var defaultPolicy = "public"
        /// HMAC key of signed URLs (env MEDIASERVE_ACCESS_SIGNING_KEY). Secret.
        public var signingKey: String?
        /// Keys that still verify (rotation). Secret.
        public var previousSigningKeys: [String] = []
        public var jwt = JWT()
        /// Tier name -> tallest rendition (pixels).
        public var tiers: [String: Int] = [:]
        public var webhookURL: String?
        public var webhookCacheSeconds = 30
        public var webhookTimeoutMilliseconds = 2000
        public var geo = Geo()
        public var devices = Devices()
        /// Deployment (b): the header a CDN sends with `cdnSecret` to prove it validated the viewer.
        public var cdnSecretHeader: String?
        public var cdnSecret: String?
        /// Header carrying the viewer's address behind a CDN (e.g. X-Forwarded-For); nil uses the peer.
        public var clientIPHeader: String?

        public init() {}

        public struct JWT: Sendable, Hashable {
            public var jwksFile: String?
            public var jwksURL: String?
            public var issuer: String?
            public var audience: String?
            public var leewaySeconds = 60
            public var tierClaim = "subscription_tier"
        }

        public struct Geo: Sendable, Hashable {
            public var countryHeader = "CloudFront-Viewer-Country"
            public var blockedCountries: [String] = []
        }

        public struct Devices: Sendable, Hashable {
            /// 0: phones get the whole ladder.
            public var mobileMaxHeight = 0
        }
    }
}

/// Log levels, spelled as swift-log's `Logger.Level` raw values so the executable maps them with
/// `Logger.Level(rawValue:)` (Config does not depend on swift-log).
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}
