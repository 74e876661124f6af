import Analytics
import Catalog
import Foundation
import MediaCore
import Testing
import TestSupport

@Suite struct PurgeAndContentTests {
    @Test func purgeDropsSessionsAndEventsOlderThanTheirTTL() throws {
        let day: Int64 = 86_400_000
        let clock = ManualClock(t0)
        let catalog = try Catalog.inMemory()
        let recorder = AnalyticsRecorder(store: catalog, settings: .init(sessionTTLDays: 90, eventTTLDays: 7), clock: clock.read)
        func send(_ session: String) throws {
            let body = batchJSON([["sessionId": session, "type": "start", "time": clock.now, "asset": "movie"]])
            try recorder.record(try EventBatch(json: body, now: clock.now), address: session, userAgent: nil, country: nil)
            try recorder.flush()
        }
        try send("old")
        clock.set(t0 + 85 * day)
        try send("recent")
        clock.set(t0 + 91 * day)
        let purged = try recorder.purge()
        // "old" (91 days) goes with its event; "recent" (6 days) stays with its event.
        #expect(purged == PurgeCount(sessions: 1, events: 1))
        #expect(try catalog.playbackSessions(ids: ["old", "recent"]).map(\.id) == ["recent"])
        clock.set(t0 + 93 * day)
        #expect(try recorder.purge() == PurgeCount(sessions: 0, events: 1))
    }

    /// The server's loop (`serve` runs it) flushes and purges on its first pass. Its first version kept
    /// "never ran" as Int64.min and trapped on `now - last` the moment `serve` started.
    @Test func theServerLoopFlushesAndPurgesFromItsFirstPass() async throws {
        let day: Int64 = 86_400_000
        let clock = ManualClock(t0)
        let catalog = try Catalog.inMemory()
        let recorder = AnalyticsRecorder(store: catalog, settings: .init(sessionTTLDays: 90, eventTTLDays: 7), clock: clock.read)
        func send(_ session: String) throws {
            let body = batchJSON([["sessionId": session, "type": "start", "time": clock.now, "asset": "movie"]])
            try recorder.record(try EventBatch(json: body, now: clock.now), address: session, userAgent: nil, country: nil)
        }
        try send("old")
        try recorder.flush()
        clock.set(t0 + 91 * day)
        try send("fresh")  // recorded, not yet flushed: the loop writes it
        let loop = Task { await recorder.run(flushInterval: .milliseconds(20)) { _ in } }
        // A generous deadline: on two cores the synchronous encoding tests beside this one can hold both of the
        // concurrency pool's threads for a minute, and the loop's first pass waits for one (CI missed 30 s).
        var stored: [String] = []
        _ = try await eventually(timeout: .seconds(300), poll: .milliseconds(20)) {
            stored = try catalog.playbackSessions(ids: ["old", "fresh"]).map(\.id)
            return stored == ["fresh"]
        }
        loop.cancel()
        await loop.value
        #expect(stored == ["fresh"])
    }

    @Test func contentSearchFindsAnAssetByADescriptionWord() throws {
        let catalog = try Catalog.inMemory()
        for id in ["alpha", "beta", "gamma"] {
            try catalog.publishAsset(AssetRecord(id: AssetID(id)!, title: "Title \(id)"), renditions: [oneSegmentRendition()], replace: false)
        }
        _ = try catalog.createLiveStream(LiveStreamRecord(id: SafeName("news")!, key: "k", dvrWindowSeconds: 60))
        #expect(try catalog.updateContentMetadata(kind: .asset, id: SafeName("beta")!,
                                                  change: .init(description: "Penguins crossing Antarctic ice", tags: ["nature"])))
        #expect(try catalog.updateContentMetadata(kind: .stream, id: SafeName("news")!, change: .init(title: "Evening news")))
        #expect(try !catalog.updateContentMetadata(kind: .asset, id: SafeName("missing")!, change: .init(title: "x")))

        #expect(try catalog.listContent(search: "antarctic", after: nil, limit: 10).map(\.id.rawValue) == ["beta"])
        #expect(try catalog.listContent(search: "pengu", after: nil, limit: 10).map(\.id.rawValue) == ["beta"])
        #expect(try catalog.listContent(search: "NATURE", after: nil, limit: 10).map(\.id.rawValue) == ["beta"])
        #expect(try catalog.listContent(search: "evening", after: nil, limit: 10).map(\.kind) == [.stream])
        #expect(try catalog.listContent(search: "\" OR *", after: nil, limit: 10).isEmpty)
        // Titles set at publish are searchable once metadata exists; the asset title follows a PATCH of it.
        let beta = try #require(try catalog.contentEntry(kind: .asset, id: SafeName("beta")!))
        #expect(beta.title == "Title beta" && beta.tags == ["nature"])

        let first = try catalog.listContent(search: nil, after: nil, limit: 2)
        #expect(first.map(\.id.rawValue) == ["alpha", "beta"])
        let cursor = try #require(ContentCursor(token: ContentCursor(kind: first[1].kind, id: first[1].id).token))
        #expect(try catalog.listContent(search: nil, after: cursor, limit: 5).map(\.id.rawValue) == ["gamma", "news"])

        // Deleting the asset removes it from search.
        try catalog.deleteAsset(AssetID("beta")!)
        #expect(try catalog.listContent(search: "antarctic", after: nil, limit: 10).isEmpty)
    }
}

/// The smallest index the catalog accepts: one audio rendition of one 6 s segment.
func oneSegmentRendition() -> RenditionIndex {
    let rendition = Rendition(id: SafeName("audio")!, kind: .audio, codecs: "mp4a.40.2", peakBitrate: 128_000,
                              averageBitrate: 128_000, timescale: 48_000, sampleRate: 48_000, channels: 2, language: nil)
    return RenditionIndex(rendition: rendition, segments: [SegmentInfo(number: 1, start: 0, duration: 288_000, size: 1_000)])
}
