import Access
import Hummingbird
import HummingbirdCore
import Testing
@testable import Origin

/// The access edge reads a request's query in one pass over the raw bytes (no dictionary per request):
/// what it passes on to the routes must be exactly what Hummingbird's own query parsing gives, minus the
/// access parameters, and the Cache-Control it turns private must be the same whether precomputed or not.
@Suite struct AccessQueryTests {
    static let queries = [
        "", "exp=1&sig=abc", "sig=abc&exp=1&max_height=720", "CMCD=br%3D800%2Cot%3Dv&exp=1&sig=x", "a=1&&b&c=&d=%zz&token=t",
        "max_height=abc&mh=2&ip=10.0.0.0%2F8", "x=%E2%9C%93&x=2&", "&only=1",
        "exp=17&ip=10.0.0.0/8&mh=720&sig=abc", "exp=17&sig=abc&", "exp&sig=abc", "exp=1%37&sig=abc", "é=ü&exp=1&sig=x", "=&=x&",
    ]

    /// The forwarded query as the edge made it before (from `URI.queryParameters`).
    static func reference(_ uri: URI, path: MediaPath, grant: AccessGrant) -> [(String, String)] {
        var items: [(String, String)] = []
        var userMax: Int?
        for (key, value) in uri.queryParameters {
            let name = String(key)
            if ["exp", "ip", "mh", "sig", "token"].contains(name) { continue }
            if name == "max_height", path.isManifest, let limit = grant.listedMaxHeight {
                userMax = Int(String(value)) ?? limit
                continue
            }
            items.append((name, String(value)))
        }
        if path.isManifest, let limit = grant.listedMaxHeight { items.append(("max_height", String(min(userMax ?? limit, limit)))) }
        return items
    }

    @Test func forwardedQueryIsHummingbirdsQueryWithoutAccessParameters() {
        let grants = [AccessGrant(), AccessGrant(maxHeight: 1080, listedMaxHeight: 720, propagatedQuery: "exp=1&sig=x", viewerSpecific: true)]
        for target in ["/vod/a/master.m3u8", "/vod/a/v1/video-720p/seg-1.m4s"] {
            let path = MediaPath(path: target)!
            for grant in grants {
                for query in Self.queries {
                    let uri = URI(query.isEmpty ? target : target + "?" + query)
                    let made = AccessMiddleware.forwardedQuery(uri, path: path, grant: grant)
                    let expected = Self.reference(uri, path: path, grant: grant)
                    #expect(made.items.map { "\($0.0)=\($0.1)" } == expected.map { "\($0.0)=\($0.1)" }, "\(target)?\(query)")
                    #expect(made.changed == (expected.count != uri.queryParameters.count || grant.listedMaxHeight != nil), "\(target)?\(query)")
                }
            }
        }
    }

    @Test func accessParametersAreThoseHummingbirdReads() {
        for query in Self.queries {
            var decoded: [String: String] = [:]
            for (key, value) in URI("/vod/a/master.m3u8?" + query).queryParameters { decoded[String(key)] = String(value) }
            #expect(AccessParameters(rawQuery: Substring(query)) == AccessParameters(decoded), "\(query)")
        }
    }

    @Test func privateCacheControlIsTheSamePrecomputedOrNot() {
        #expect(AccessMiddleware.privateCache(CachePolicy.immutable.headerValue) == "private, max-age=31536000, immutable")
        #expect(AccessMiddleware.privateCache(CachePolicy.vodEntryManifest.headerValue) == "private, max-age=60")
        #expect(AccessMiddleware.privateCache(CachePolicy.vodVersionedManifest.headerValue) == "private, max-age=86400")
        #expect(AccessMiddleware.privateCache("public, max-age=3, s-maxage=3") == "private, max-age=3")
        #expect(AccessMiddleware.privateCache("private, no-store") == "private, no-store")
    }
}
