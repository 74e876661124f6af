import MediaCore

/// The `EXT-X-KEY` tags of one media playlist (RFC 8216 §4.3.2.4), written as the segments are listed.
///
/// AES-128: every segment gets its own tag with its explicit IV (the encryptor derives the IV per
/// segment, so none is ever reused under a key). The init segment stays clear: the first `EXT-X-MAP` comes
/// before any key, and a re-announced map is preceded by `METHOD=NONE`.
/// SAMPLE-AES (cbcs in fMP4): one tag per key period, written when the period changes, plus the key
/// server's lines with a `KEYFORMAT` per DRM system. With rotation each key period also has its own init
/// segment (`&keyperiod=N`): the init's `tenc` names the default key id of the samples after it (ISO/IEC
/// 23001-7 §8.2), so the playlist re-announces `EXT-X-MAP` with the period's init wherever the key changes
/// (RFC 8216 §4.3.2.5: a map applies until the next map), as DASH starts a Period with its own init.
struct HLSKeyTags {
    let protection: ManifestProtection?
    let rendition: SafeName
    let timescale: Int
    private var current: Int?

    init(protection: ManifestProtection?, rendition: SafeName, timescale: Int) {
        self.protection = protection
        self.rendition = rendition
        self.timescale = timescale
    }

    mutating func beforeMap() -> String {
        guard let protection, protection.hlsMethod == .aes128, current != nil else { return "" }
        current = nil
        return "#EXT-X-KEY:METHOD=NONE\n"
    }

    /// Appended to an init URL for the init of `segment`'s key period (SAMPLE-AES with rotation only; an
    /// AES-128 init is clear and the same for every key).
    func initQuery(for segment: SegmentInfo?) -> String {
        guard let protection, protection.hlsMethod == .sampleAES, protection.rotationSeconds > 0, let segment else { return "" }
        return "&keyperiod=\(protection.period(segment: segment.number, start: segment.start, timescale: timescale).index)"
    }

    /// Whether `segment` starts a new key period whose init must be announced (SAMPLE-AES with rotation).
    func startsInitPeriod(_ segment: SegmentInfo) -> Bool {
        guard let protection, protection.hlsMethod == .sampleAES, protection.rotationSeconds > 0, let current else { return false }
        return protection.period(segment: segment.number, start: segment.start, timescale: timescale).index != current
    }

    mutating func before(_ segment: SegmentInfo) -> String {
        guard let protection, let method = protection.hlsMethod else { return "" }
        let period = protection.period(segment: segment.number, start: segment.start, timescale: timescale)
        switch method {
        case .aes128:
            current = period.index
            var line = "#EXT-X-KEY:METHOD=AES-128,URI=\"\(period.keyURI)\""
            if let ivs = protection.ivs { line += ",IV=0x" + ivs.hex(period, rendition, segment.number) }
            return line + "\n"
        case .sampleAES:
            guard current != period.index else { return "" }
            current = period.index
            var out = "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"\(period.keyURI)\",KEYFORMAT=\"identity\",KEYFORMATVERSIONS=\"1\"\n"
            for line in period.hlsKeyLines { out += line + "\n" }
            return out
        }
    }
}
