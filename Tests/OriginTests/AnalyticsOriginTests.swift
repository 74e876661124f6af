import Analytics
import Catalog
import Foundation
import MediaCore
@testable import Origin
import Storage
import Testing

/// Viewer analytics, the dashboard and the content API against a real server on an ephemeral port,
/// with a real (in-memory SQLite) catalog.
@Suite struct AnalyticsOriginTests {
    static let key = "analytics-test-key"
    static var auth: [(String, String)] { [("Authorization", "Bearer \(key)")] }

    /// `clip1` (stamped version 1, one video rendition, a poster and thumbnail) in the data directory and
    /// the catalog, and an origin with analytics on.
    func withAnalyticsOrigin(contentPublic: Bool = true, settings: AnalyticsRecorder.Settings = .init(),
                             _ body: @Sendable (Int, Catalog) async throws -> Void) async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        try data.write("vod", "clip1", "video-360p", "seg-1.m4s", bytes: patternBytes(count: 4000))
        try data.write("vod", "clip1", "video-360p", "init.mp4", bytes: patternBytes(count: 700, seed: 5))
        try data.stamp("clip1", "1\n")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).write(to: data.url.appendingPathComponent("vod/clip1/poster.jpg"))
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 4]).write(to: data.url.appendingPathComponent("vod/clip1/thumbnail.jpg"))
        let catalog = try Catalog.inMemory()
        try catalog.publishAsset(AssetRecord(id: AssetID("clip1")!, title: "Clip one"),
                                 renditions: [sampleRendition("video-360p", kind: .video)], replace: false)
        let listing = MediaListing(renditions: [sampleRendition("video-360p", kind: .video)], version: "1", assetVersion: 1)
        let recorder = AnalyticsRecorder(store: catalog, settings: settings) { AnalyticsFeatures.nowMilliseconds() }
        let features = AnalyticsFeatures(recorder: recorder, content: catalog, contentPublic: contentPublic)
        // The real admin backend over the same catalog: `PATCH /api/v1/assets/{id}` is the admin API's.
        let admin = CatalogAdminBackend(catalog: catalog, data: try DataDirectory(root: data.url), index: nil, jobQueued: {})
        try await withOrigin(configuration: OriginConfiguration(port: 0, apiKey: Self.key), dataDirectory: data.url,
                             index: StaticIndex(vod: [SafeName("clip1")!: listing]), renderer: PackagingRenderer(),
                             admin: admin, analytics: features) { port, _ in
            try await body(port, catalog)
        }
    }

    static func events(_ events: [[String: Any]]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: ["events": events]))
    }

    static func json(_ response: ClientResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func eventsAreTakenAndBadBatchesGetTheir4xx() async throws {
        try await withAnalyticsOrigin(settings: .init(batchesPerMinutePerSession: 1)) { port, _ in
            let now = AnalyticsFeatures.nowMilliseconds()
            let good = Self.events([["sessionId": "v1", "type": "start", "time": now, "asset": "clip1"],
                                    ["sessionId": "v1", "type": "playing", "time": now + 700, "asset": "clip1", "bitrate": 900_000]])
            let accepted = try await fetch(port, "/api/v1/playback-events", method: .POST,
                                           headers: [("Content-Type", "application/json"), ("Origin", "https://app.example")], body: good)
            #expect(accepted.status == 202)
            #expect(accepted.header("Access-Control-Allow-Origin") == "*")
            // One batch a minute per session (a bucket of 1 that refills in 60 s, far longer than the next
            // request takes even on a loaded machine): the session's next batch is over its rate.
            let beat = Self.events([["sessionId": "v1", "type": "heartbeat", "time": now + 1_000, "asset": "clip1"]])
            let limited = try await fetch(port, "/api/v1/playback-events", method: .POST, body: beat)
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") != nil)

            let unknown = try await fetch(port, "/api/v1/playback-events", method: .POST, body: Self.events(
                [["sessionId": "v2", "type": "start", "time": now, "asset": "clip1"], ["sessionId": "v2", "type": "warp", "time": now, "asset": "clip1"]]))
            #expect(unknown.status == 400)
            #expect((try Self.json(unknown)["error"] as? String)?.contains("event 1: unknown type 'warp'") == true)
            #expect(try await fetch(port, "/api/v1/playback-events", method: .POST, body: Array("{not json".utf8)).status == 400)
            let many = Self.events(Array(repeating: ["sessionId": "v3", "type": "heartbeat", "time": now, "asset": "clip1"], count: 201))
            #expect(try await fetch(port, "/api/v1/playback-events", method: .POST, body: many).status == 413)
            let huge = Array("{\"events\": [\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 70_000) + Array("\"]}".utf8)
            #expect(try await fetch(port, "/api/v1/playback-events", method: .POST, body: huge).status == 413)

            // The refused batches changed nothing: one session, started in 700 ms.
            let summary = try await fetch(port, "/api/v1/analytics/summary?asset=clip1", headers: Self.auth)
            #expect(summary.status == 200)
            let figures = try #require(try Self.json(summary)["summary"] as? [String: Any])
            #expect(figures["sessions"] as? Int == 1)
            #expect(figures["concurrentViewers"] as? Int == 1)
            #expect((figures["startupTimeMs"] as? [String: Any])?["p50"] as? Int == 700)
            #expect(try await fetch(port, "/api/v1/analytics/summary").status == 401)
        }
    }

    @Test func cmcdOnMediaRequestsMakesASession() async throws {
        try await withAnalyticsOrigin { port, catalog in
            let preflight = try await fetch(port, "/vod/clip1/v1/video-360p/seg-1.m4s", method: .OPTIONS, headers: [
                ("Origin", "https://app.example"), ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Headers", "cmcd-request,cmcd-session")])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Headers")?.contains("CMCD-Session") == true)

            let query = "br%3D900%2Cd%3D6000%2Cot%3Dv%2Csid%3D%22cm-1%22%2Csu"
            #expect(try await fetch(port, "/vod/clip1/v1/video-360p/seg-1.m4s?CMCD=\(query)").status == 200)
            #expect(try await fetch(port, "/vod/clip1/v1/video-360p/init.mp4", headers: [
                ("CMCD-Object", "br=900,ot=i"), ("CMCD-Request", "bl=6000,mtp=20000"), ("CMCD-Session", #"sid="cm-1",cid="clip1""#),
            ]).status == 200)
            // A 404 is not a view.
            #expect(try await fetch(port, "/vod/clip1/v9/video-360p/seg-1.m4s?CMCD=\(query)").status == 404)

            let summary = try Self.json(try await fetch(port, "/api/v1/analytics/summary?asset=clip1", headers: Self.auth))
            let figures = try #require(summary["summary"] as? [String: Any])
            #expect(figures["sessions"] as? Int == 1)
            #expect(figures["plays"] as? Int == 1)
            #expect(figures["concurrentViewers"] as? Int == 1)
            let stored = try #require(try catalog.playbackSessions(ids: ["cm-1"]).first)
            #expect(stored.cmcdRequests == 2)
            #expect(stored.cmcdThroughputKbps == 20_000)

            // The session API shows that one session with the CMCD fields the player sent.
            let listed = try Self.json(try await fetch(port, "/api/v1/analytics/sessions?asset=clip1", headers: Self.auth))
            #expect(listed["total"] as? Int == 1)
            let session = try #require((listed["sessions"] as? [[String: Any]])?.first)
            #expect(session["id"] as? String == "cm-1")
            #expect(session["cmcdRequests"] as? Int == 2)
            #expect(session["bitrate"] as? Int == 900_000)
            #expect(session["cmcdBufferMs"] as? Int == 6000)
            #expect(try await fetch(port, "/api/v1/analytics/sessions?asset=clip1&limit=0", headers: Self.auth).status == 400)
            #expect(try await fetch(port, "/api/v1/analytics/sessions?asset=clip1").status == 401)

            let metrics = try await fetch(port, "/metrics").text
            #expect(metrics.contains("mediaserve_viewers_concurrent 1"))
            #expect(metrics.contains(#"mediaserve_viewers_concurrent_by_subject{kind="asset",id="clip1"} 1"#))

            let series = try Self.json(try await fetch(port, "/api/v1/analytics/timeseries?metric=concurrent&step=60", headers: Self.auth))
            let points = try #require(series["points"] as? [[String: Any]])
            #expect(points.count == 60)
            #expect(points.last?["value"] as? Int == 1)
            #expect(try await fetch(port, "/api/v1/analytics/timeseries?metric=nope", headers: Self.auth).status == 400)
        }
    }

    @Test func dashboardNeedsTheKeyAndDrawsCharts() async throws {
        try await withAnalyticsOrigin { port, _ in
            let refused = try await fetch(port, "/dashboard")
            #expect(refused.status == 401)
            #expect(refused.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            let wrong = Data("me:nope".utf8).base64EncodedString()
            #expect(try await fetch(port, "/dashboard", headers: [("Authorization", "Basic \(wrong)")]).status == 401)
            let basic = Data("me:\(Self.key)".utf8).base64EncodedString()
            let page = try await fetch(port, "/dashboard?range=1h", headers: [("Authorization", "Basic \(basic)")])
            #expect(page.status == 200)
            #expect(page.text.components(separatedBy: "<svg class=\"chart\"").count - 1 == 5)
            #expect(try await fetch(port, "/dashboard?range=9y", headers: [("Authorization", "Basic \(basic)")]).status == 400)
        }
    }

    @Test func contentListsSearchesAndServesPosters() async throws {
        try await withAnalyticsOrigin { port, catalog in
            let patch = try await fetch(port, "/api/v1/assets/clip1", method: .PATCH, headers: Self.auth + [("Content-Type", "application/json")],
                                        body: Array(#"{"description": "Sunrise over the harbour", "tags": ["travel"]}"#.utf8))
            #expect(patch.status == 200)
            #expect(try Self.json(patch)["tags"] as? [String] == ["travel"])
            #expect(try await fetch(port, "/api/v1/assets/clip1", method: .PATCH, body: Array("{}".utf8)).status == 401)
            #expect(try await fetch(port, "/api/v1/assets/clip1", method: .PATCH, headers: Self.auth, body: Array("{}".utf8)).status == 400)
            // A bad field anywhere in the body changes nothing, whichever part it belongs to.
            let mixedBad = try await fetch(port, "/api/v1/assets/clip1", method: .PATCH, headers: Self.auth,
                                           body: Array(#"{"title": "Renamed", "access": "sometimes"}"#.utf8))
            #expect(mixedBad.status == 400)
            #expect((try Self.json(mixedBad)["error"] as? String)?.contains("access must be one of") == true)
            let unknown = try await fetch(port, "/api/v1/assets/clip1", method: .PATCH, headers: Self.auth,
                                          body: Array(#"{"title": "Renamed", "colour": "red"}"#.utf8))
            #expect((try Self.json(unknown)["error"] as? String)?.contains("unknown field 'colour'") == true)
            #expect(try await fetch(port, "/api/v1/assets/clip1", method: .PATCH, headers: Self.auth,
                                    body: Array(#"{"tags": "travel"}"#.utf8)).status == 400)
            #expect(try await fetch(port, "/api/v1/assets/clip1", method: .PATCH, headers: Self.auth,
                                    body: Array(#"{"title": ""}"#.utf8)).status == 400)
            #expect(try catalog.contentEntry(kind: .asset, id: SafeName("clip1")!)?.title == "Clip one")
            #expect(try await fetch(port, "/api/v1/assets/nope", method: .PATCH, headers: Self.auth,
                                    body: Array(#"{"title": "x"}"#.utf8)).status == 404)

            let found = try Self.json(try await fetch(port, "/api/v1/content?q=harbour"))
            let items = try #require(found["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["id"] as? String == "clip1")
            #expect(items.first?["title"] as? String == "Clip one")
            #expect(items.first?["hls"] as? String == "/vod/clip1/master.m3u8")
            #expect(items.first?["poster"] as? String == "/vod/clip1/v1/poster.jpg")
            #expect((try Self.json(try await fetch(port, "/api/v1/content?q=volcano"))["items"] as? [Any])?.isEmpty == true)
            #expect(try await fetch(port, "/api/v1/content/clip1").status == 200)
            #expect(try await fetch(port, "/api/v1/content/nope").status == 404)
            #expect(try await fetch(port, "/api/v1/content?cursor=bogus").status == 400)

            let poster = try await fetch(port, "/vod/clip1/v1/poster.jpg")
            #expect(poster.status == 200)
            #expect(poster.header("Content-Type") == "image/jpeg")
            #expect(poster.header("Cache-Control") == "public, max-age=31536000, immutable")
            #expect(try await fetch(port, "/vod/clip1/v1/thumbnail.jpg").body == [0xFF, 0xD8, 0xFF, 0xE0, 4])
            #expect(try await fetch(port, "/vod/clip1/v2/poster.jpg").status == 404)
        }
        try await withAnalyticsOrigin(contentPublic: false) { (port: Int, _: Catalog) async throws in
            #expect(try await fetch(port, "/api/v1/content").status == 401)
            #expect(try await fetch(port, "/api/v1/content", headers: Self.auth).status == 200)
        }
    }
}
