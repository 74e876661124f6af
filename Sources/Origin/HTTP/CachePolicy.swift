/// The Cache-Control an origin response carries, by what it is: CDNs and players cache by these rules.
public struct CachePolicy: Sendable, Equatable {
    public let headerValue: String

    private init(_ value: String) { headerValue = value }

    /// Init and media segments: a name never gets different bytes (VOD segment URLs carry the asset's
    /// version, `/vod/<asset>/v<n>/...`; live numbering never repeats), so they are cached for a year.
    public static let immutable = CachePolicy("public, max-age=31536000, immutable")
    /// A VOD media playlist under `v<n>/`: its URL names one version of the asset, so its text never
    /// changes (a replace makes new URLs). Players re-check daily, the CDN keeps it.
    public static let vodVersionedManifest = CachePolicy("public, max-age=86400, s-maxage=31536000")
    /// The VOD entry points whose URL stays the same across a replace: `master.m3u8` and `manifest.mpd`
    /// (and the unversioned media playlists kept for version 1). A CDN or player keeps them at most a
    /// minute and then revalidates with the strong ETag (`If-None-Match` -> 304 while the version is the
    /// same), so a replaced asset's new version reaches every viewer within 60 seconds, and no cache
    /// pairs the new entry manifest with the old version's playlists or segments: those have other URLs.
    public static let vodEntryManifest = CachePolicy("public, max-age=60, s-maxage=60")
    /// A live segment that is not there yet: the CDN may retry within a second.
    public static let notYetAvailable = CachePolicy("public, max-age=1")
    /// Admin API, health and metrics: never cached.
    public static let noStore = CachePolicy("no-store")
    /// The preview page and player assets: short, so a redeploy shows.
    public static let shortLived = CachePolicy("public, max-age=60")
    /// Content keys and licences: for this viewer only, never stored by a CDN or the browser cache.
    public static let privateNoStore = CachePolicy("private, no-store")

    /// A low-latency media playlist without `_HLS_msn`: it changes with every part, so caches keep it
    /// about one part (one second, the smallest max-age). Players then reload with blocking requests.
    public static func lowLatencyPlaylist(partTargetSeconds: Double) -> CachePolicy {
        let seconds = max(1, Int(partTargetSeconds.rounded(.up)))
        return CachePolicy("public, max-age=\(seconds), s-maxage=\(seconds)")
    }

    /// A blocking reload's answer (`_HLS_msn`/`_HLS_part` in the URL, and so in a CDN's cache key): every
    /// player asking that URL wants exactly what it holds, so a CDN collapses them onto one origin
    /// request and keeps the answer for the six target durations a player may still ask it.
    public static func lowLatencyBlockingPlaylist(targetDurationSeconds: Double) -> CachePolicy {
        let seconds = max(1, Int((6 * targetDurationSeconds).rounded(.up)))
        return CachePolicy("public, max-age=\(seconds), s-maxage=\(seconds)")
    }

    /// Live manifests change every segment: about half a target duration (at least one second).
    public static func liveManifest(targetDurationSeconds: Double) -> CachePolicy {
        let seconds = max(1, Int((targetDurationSeconds / 2).rounded(.down)))
        return CachePolicy("public, max-age=\(seconds), s-maxage=\(seconds)")
    }
}
