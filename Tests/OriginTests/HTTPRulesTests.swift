import Testing
@testable import Origin

@Suite struct HTTPRulesTests {
    @Test func byteRanges() {
        #expect(ByteRangeRequest(header: nil, size: 100) == .whole)
        #expect(ByteRangeRequest(header: "bytes=0-9", size: 100) == .partial(0...9))
        #expect(ByteRangeRequest(header: "bytes=90-", size: 100) == .partial(90...99))
        #expect(ByteRangeRequest(header: "bytes=-10", size: 100) == .partial(90...99))
        #expect(ByteRangeRequest(header: "bytes=-500", size: 100) == .partial(0...99))
        #expect(ByteRangeRequest(header: "bytes=50-5000", size: 100) == .partial(50...99))
        #expect(ByteRangeRequest(header: "bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRangeRequest(header: "bytes=-0", size: 100) == .unsatisfiable)
        // Malformed or multi-range headers are ignored (RFC 9110 allows it): the whole file is sent.
        #expect(ByteRangeRequest(header: "bytes=9-1", size: 100) == .whole)
        #expect(ByteRangeRequest(header: "bytes=0-1,5-6", size: 100) == .whole)
        #expect(ByteRangeRequest(header: "items=0-1", size: 100) == .whole)
        #expect(ByteRangeRequest(header: "bytes=a-b", size: 100) == .whole)
    }

    @Test func httpDatesRoundTrip() {
        #expect(HTTPDate.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(HTTPDate.iso8601(milliseconds: 784111777_005) == "1994-11-06T08:49:37.005Z")
    }

    @Test func conditionalRequests() {
        let validators = Validators(etag: "\"abc\"", lastModified: 1000)
        #expect(validators.notModified(ifNoneMatch: "\"abc\"", ifModifiedSince: nil))
        #expect(validators.notModified(ifNoneMatch: "\"x\", W/\"abc\"", ifModifiedSince: nil))
        #expect(validators.notModified(ifNoneMatch: "*", ifModifiedSince: nil))
        #expect(!validators.notModified(ifNoneMatch: "\"abd\"", ifModifiedSince: HTTPDate.format(2000)))
        #expect(validators.notModified(ifNoneMatch: nil, ifModifiedSince: HTTPDate.format(1000)))
        #expect(!validators.notModified(ifNoneMatch: nil, ifModifiedSince: HTTPDate.format(999)))
        #expect(validators.ifRangeHolds(nil))
        #expect(validators.ifRangeHolds("\"abc\""))
        #expect(!validators.ifRangeHolds("W/\"abc\""))
        #expect(validators.ifRangeHolds(HTTPDate.format(1000)))
        #expect(!validators.ifRangeHolds(HTTPDate.format(1001)))
    }

    @Test func requestTargetGuard() {
        #expect(RequestTargetGuard.check(path: "/vod/a1/video-360p/seg-1.m4s") == nil)
        #expect(RequestTargetGuard.check(path: "/") == nil)
        #expect(RequestTargetGuard.check(path: "/player/") == nil)
        #expect(RequestTargetGuard.check(path: "/vod/../catalog.sqlite") == .dotSegment)
        #expect(RequestTargetGuard.check(path: "/vod/./a") == .dotSegment)
        #expect(RequestTargetGuard.check(path: "/vod/%2e%2e/x") == .escapedCharacter)
        #expect(RequestTargetGuard.check(path: "//etc/passwd") == .emptySegment)
        #expect(RequestTargetGuard.check(path: "/vod/a\\..\\b") == .forbiddenByte)
        #expect(RequestTargetGuard.check(path: "/vod/a\u{0}b") == .forbiddenByte)
        #expect(RequestTargetGuard.check(path: "vod/a") == .notAbsolute)
        #expect(RequestTargetGuard.check(path: "/" + String(repeating: "a", count: 1100)) == .tooLong)
    }

    @Test func mediaNames() {
        #expect(ManifestName("master.m3u8") == .hlsMaster)
        #expect(ManifestName("manifest.mpd") == .dash)
        #expect(ManifestName("video-360p.m3u8") == .hlsMedia(rendition: .init("video-360p")!))
        #expect(ManifestName("Video.m3u8") == nil)
        #expect(ManifestName("x.mpd") == nil)
    }

    @Test func cachePolicies() {
        #expect(CachePolicy.liveManifest(targetDurationSeconds: 6).headerValue == "public, max-age=3, s-maxage=3")
        #expect(CachePolicy.liveManifest(targetDurationSeconds: 1).headerValue == "public, max-age=1, s-maxage=1")
        #expect(RouteKind.classify(path: "/vod/a/v/seg-1.m4s") == .segment)
        #expect(RouteKind.classify(path: "/live/a/master.m3u8") == .liveManifest)
        #expect(RouteKind.classify(path: "/api/v1/assets") == .api)
    }

    @Test func gzipNegotiation() {
        #expect(ManifestResponse.acceptsGzip("gzip, deflate, br"))
        #expect(ManifestResponse.acceptsGzip("br;q=1.0, gzip;q=0.8"))
        #expect(!ManifestResponse.acceptsGzip("gzip;q=0"))
        #expect(!ManifestResponse.acceptsGzip("identity"))
        #expect(!ManifestResponse.acceptsGzip(nil))
    }

    @Test func apiKeyComparison() {
        #expect(BearerAuthMiddleware.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!BearerAuthMiddleware.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!BearerAuthMiddleware.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}
