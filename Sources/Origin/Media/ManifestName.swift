import MediaCore

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
