/// The parts of a CPIX 2.3 document (DASH-IF Content Protection Information Exchange) that SPEKE v2 uses:
/// content keys, the DRM systems to signal them with, key periods for rotation and the usage rules that
/// tie keys to tracks and periods. A request leaves the key values and the DRM data empty; the key server's
/// response fills them.
public struct CPIXDocument: Hashable, Sendable {
    public var contentID: String
    public var version: String
    public var contentKeys: [Key]
    public var drmSystems: [System]
    public var periods: [Period]
    public var usageRules: [UsageRule]

    public init(contentID: String, version: String = "2.3", contentKeys: [Key], drmSystems: [System],
                periods: [Period] = [], usageRules: [UsageRule]) {
        self.contentID = contentID
        self.version = version
        self.contentKeys = contentKeys
        self.drmSystems = drmSystems
        self.periods = periods
        self.usageRules = usageRules
    }

    public struct Key: Hashable, Sendable {
        public var kid: KeyID
        /// `cenc` or `cbcs` (ISO/IEC 23001-7 scheme names; SPEKE v2.0 accepts no others).
        public var commonEncryptionScheme: String
        /// The 16-byte key, present in responses only.
        public var value: [UInt8]?
        public var explicitIV: [UInt8]?

        public init(kid: KeyID, commonEncryptionScheme: String, value: [UInt8]? = nil, explicitIV: [UInt8]? = nil) {
            self.kid = kid
            self.commonEncryptionScheme = commonEncryptionScheme
            self.value = value
            self.explicitIV = explicitIV
        }
    }

    public struct System: Hashable, Sendable {
        public var kid: KeyID
        public var systemID: KeyID
        /// A whole `pssh` box (response only; the request has an empty `<PSSH/>` to ask for it).
        public var pssh: [UInt8]?
        /// XML to put inside the MPD `ContentProtection` element (response only, decoded from base64).
        public var contentProtectionData: String?
        /// The `EXT-X-KEY` line for media playlists (response only, decoded from base64).
        public var hlsSignalingMedia: String?
        /// The `EXT-X-SESSION-KEY` line for the multivariant playlist (response only).
        public var hlsSignalingMaster: String?

        public init(kid: KeyID, systemID: KeyID, pssh: [UInt8]? = nil, contentProtectionData: String? = nil,
                    hlsSignalingMedia: String? = nil, hlsSignalingMaster: String? = nil) {
            self.kid = kid
            self.systemID = systemID
            self.pssh = pssh
            self.contentProtectionData = contentProtectionData
            self.hlsSignalingMedia = hlsSignalingMedia
            self.hlsSignalingMaster = hlsSignalingMaster
        }
    }

    public struct Period: Hashable, Sendable {
        public var id: String
        public var index: Int

        public init(id: String, index: Int) {
            self.id = id
            self.index = index
        }
    }

    public struct UsageRule: Hashable, Sendable {
        public var kid: KeyID
        /// `ALL`, `VIDEO`, `AUDIO`, ... (SPEKE v2 encryption contract).
        public var intendedTrackType: String
        public var periodID: String?

        public init(kid: KeyID, intendedTrackType: String = "ALL", periodID: String? = nil) {
            self.kid = kid
            self.intendedTrackType = intendedTrackType
            self.periodID = periodID
        }
    }

    public static let namespace = "urn:dashif:org:cpix"
    public static let pskcNamespace = "urn:ietf:params:xml:ns:keyprov:pskc"
}

extension CPIXDocument {
    /// The SPEKE v2 request for `keys` of one content id, asking every system in `systems` for its PSSH,
    /// MPD data and HLS signalling. With `periods`, `keys[i]` is the key of `periods[i]` (rotation).
    public static func spekeRequest(contentID: String, scheme: SampleScheme, keys: [KeyID], systems: [DRMSystem],
                                    periodIndexes: [Int]? = nil) -> CPIXDocument {
        let periods = periodIndexes.map { indexes in indexes.map { Period(id: "keyPeriod_\($0)", index: $0) } } ?? []
        var rules: [UsageRule] = []
        for (position, kid) in keys.enumerated() {
            rules.append(UsageRule(kid: kid, intendedTrackType: "ALL", periodID: periods.isEmpty ? nil : periods[position].id))
        }
        return CPIXDocument(
            contentID: contentID,
            contentKeys: keys.map { Key(kid: $0, commonEncryptionScheme: scheme.fourCC) },
            drmSystems: keys.flatMap { kid in systems.map { System(kid: kid, systemID: $0.id) } },
            periods: periods,
            usageRules: rules)
    }
}
