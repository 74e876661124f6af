import MediaCore

/// How a manifest signals encryption: the HLS method or DASH scheme chosen for this request, the key of
/// each key period, and what goes into segment URLs so each scheme's bytes have their own URL (a CDN
/// must never hand cenc bytes to an AES-128 player). Plain values, built by the origin per request.
public struct ManifestProtection: Sendable, Hashable {
    public enum HLSMethod: String, Sendable, Hashable {
        case aes128 = "AES-128"
        case sampleAES = "SAMPLE-AES"
    }

    /// One key period: period 0 for VOD, one per `drm.key_rotation_seconds` for live.
    public struct Period: Sendable, Hashable {
        public var index: Int
        /// The key id as UUID text (`cenc:default_KID`).
        public var kid: String
        /// Where an HLS player fetches the key (identity key format).
        public var keyURI: String
        /// Extra `#EXT-X-KEY:` lines from a key server (SAMPLE-AES with a `KEYFORMAT` per DRM system).
        public var hlsKeyLines: [String]
        /// A key server's `ContentProtection` content per DRM system id (UUID text), as XML text.
        public var dashContentProtection: [String: String]
        /// Base64 `pssh` boxes per DRM system id (UUID text) for the MPD's `cenc:pssh`.
        public var psshBase64: [String: String]

        public init(index: Int, kid: String, keyURI: String, hlsKeyLines: [String] = [],
                    dashContentProtection: [String: String] = [:], psshBase64: [String: String] = [:]) {
            self.index = index
            self.kid = kid
            self.keyURI = keyURI
            self.hlsKeyLines = hlsKeyLines
            self.dashContentProtection = dashContentProtection
            self.psshBase64 = psshBase64
        }
    }

    /// The per-segment IVs of HLS AES-128, computed by the encryptor's own rule so the playlist and the
    /// bytes agree. Compared by `rule` only (a name for the function), so the request stays Hashable.
    public struct SegmentIVs: Sendable, Hashable {
        public let rule: String
        public let hex: @Sendable (_ period: Period, _ rendition: SafeName, _ segment: Int) -> String

        public init(rule: String, hex: @escaping @Sendable (_ period: Period, _ rendition: SafeName, _ segment: Int) -> String) {
            self.rule = rule
            self.hex = hex
        }

        public static func == (lhs: SegmentIVs, rhs: SegmentIVs) -> Bool { lhs.rule == rhs.rule }
        public func hash(into hasher: inout Hasher) { hasher.combine(rule) }
    }

    public var hlsMethod: HLSMethod?
    /// `cenc` or `cbcs` for DASH.
    public var dashScheme: String?
    /// Sorted by index; never empty.
    public var periods: [Period]
    /// Seconds of media per key period; 0 = one period.
    public var rotationSeconds: Int
    /// The key period of each segment number, decided once for all renditions (by the reference
    /// rendition's segment start) so an audio segment that starts a few milliseconds before a video
    /// boundary still shares its video segment's key. Empty when keys do not rotate.
    public var segmentPeriods: [Int: Int]
    /// Appended (`?` + this) to every media playlist, init and segment URL, e.g. `scheme=aes-128`.
    public var urlQuery: String
    public var ivs: SegmentIVs?
    /// The ClearKey licence server (`POST /clearkey/license`) the MPD names.
    public var clearKeyLicenceURL: String?

    public init(hlsMethod: HLSMethod? = nil, dashScheme: String? = nil, periods: [Period], rotationSeconds: Int = 0,
                segmentPeriods: [Int: Int] = [:], urlQuery: String, ivs: SegmentIVs? = nil, clearKeyLicenceURL: String? = nil) {
        precondition(!periods.isEmpty, "a protected manifest names at least one key")
        self.hlsMethod = hlsMethod
        self.dashScheme = dashScheme
        self.periods = periods.sorted { $0.index < $1.index }
        self.rotationSeconds = rotationSeconds
        self.segmentPeriods = segmentPeriods
        self.urlQuery = urlQuery
        self.ivs = ivs
        self.clearKeyLicenceURL = clearKeyLicenceURL
    }

    /// The key period of segment `number`: from `segmentPeriods` when it lists the number, else from the
    /// segment's own start (ticks of `timescale`) by the encryptor's arithmetic (`KeyRotation`), falling
    /// back to the nearest listed period.
    public func period(segment number: Int, start: Int64, timescale: Int) -> Period {
        let index = segmentPeriods[number] ?? Self.periodIndex(start: start, timescale: timescale, rotationSeconds: rotationSeconds)
        return periods.last { $0.index <= index } ?? periods[0]
    }

    /// True when keys change within the presentation (DASH then starts a Period at each change).
    public var rotates: Bool { rotationSeconds > 0 && periods.count > 1 }

    public static func periodIndex(start: Int64, timescale: Int, rotationSeconds: Int) -> Int {
        guard rotationSeconds > 0, timescale > 0, start > 0 else { return 0 }
        return Int(start / (Int64(rotationSeconds) * Int64(timescale)))
    }

    /// `?query` for URLs.
    var urlSuffix: String { urlQuery.isEmpty ? "" : "?" + urlQuery }
}
