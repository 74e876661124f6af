/// The Cache-Control an origin response carries, by what it is: CDNs and players cache by these rules.
public struct CachePolicy: Sendable, Equatable {
    public let headerValue: String

    private init(_ value: String) { headerValue = value }

    /// Init and media segments: a name never gets different bytes, so they are cached for a year.
    public static let immutable = CachePolicy("public, max-age=31536000, immutable")
    /// VOD manifests: players re-check daily, the CDN keeps them (a replaced asset gets a new id).
    public static let vodManifest = CachePolicy("public, max-age=86400, s-maxage=31536000")
    /// A live segment that is not there yet: the CDN may retry within a second.
    public static let notYetAvailable = CachePolicy("public, max-age=1")
    /// Admin API, health and metrics: never cached.
    public static let noStore = CachePolicy("no-store")
    /// The preview page and player assets: short, so a redeploy shows.
    public static let shortLived = CachePolicy("public, max-age=60")

    /// Live manifests change every segment: about half a target duration (at least one second).
    public static func liveManifest(targetDurationSeconds: Double) -> CachePolicy {
        let seconds = max(1, Int((targetDurationSeconds / 2).rounded(.down)))
        return CachePolicy("public, max-age=\(seconds), s-maxage=\(seconds)")
    }
}
