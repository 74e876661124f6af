import MediaCore

/// VOD assets or live streams: the two trees of the data directory the origin serves from.
public enum MediaTree: String, Sendable {
    case vod
    case live
}

/// What a `/vod/<asset>/<name>` or `/live/<stream>/<name>` path names, parsed without touching the disk.
public enum ManifestName: Equatable, Sendable {
    case hlsMaster
    case hlsMedia(rendition: SafeName)
    case dash

    /// Nil for any name that is not one of the manifest shapes (the route answers 404).
    public init?(_ name: Substring) {
        if name == "master.m3u8" { self = .hlsMaster; return }
        if name == "manifest.mpd" { self = .dash; return }
        guard name.hasSuffix(".m3u8"), let rendition = SafeName(String(name.dropLast(5))) else { return nil }
        self = .hlsMedia(rendition: rendition)
    }
}

/// A segment file name: `init.mp4` or `seg-<n>.m4s` with n a plain decimal (no sign, no leading zeros).
public enum SegmentFileName: Equatable, Sendable {
    case initSegment
    case media(number: Int)

    public init?(_ name: Substring) {
        if name == "init.mp4" { self = .initSegment; return }
        guard name.hasPrefix("seg-"), name.hasSuffix(".m4s") else { return nil }
        let digits = name.dropFirst(4).dropLast(4)
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(\.isASCIIDigit),
              digits == "0" || digits.first != "0", let number = Int(digits) else { return nil }
        self = .media(number: number)
    }

    public var fileName: String {
        switch self {
        case .initSegment: return "init.mp4"
        case .media(let number): return "seg-\(number).m4s"
        }
    }
}
