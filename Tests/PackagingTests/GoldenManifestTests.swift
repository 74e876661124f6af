import MediaCore
import Testing
@testable import Packaging

/// Golden manifests for each presentation shape. Goldens were reviewed by hand against RFC 8216 and
/// ISO/IEC 23009-1; each test also asserts the facts that matter so a regenerated golden cannot hide them.
@Suite struct GoldenManifestTests {
    @Test func vod() throws {
        let set = try ManifestSet(ManifestRequest(renditions: Synthetic.vod(), kind: .vod), label: "vod")
        try set.checkGolden("vod", media: ["video-720p", "audio-aac"])
        let video = try #require(set.playlist("video-720p"))
        #expect(video.playlistType == "VOD" && video.endList)
        #expect(video.segments.map(\.uri) == (1...5).map { "video-720p/seg-\($0).m4s" })
        #expect(video.targetDuration == 6)
        #expect(set.mpd.contains("type=\"static\"") && set.mpd.contains("mediaPresentationDuration=\"PT27.2S\""))
    }

    @Test func liveWindow() throws {
        // 2 h 10 min of segments exist; a 2 h DVR keeps 1200 in the MPD, HLS shows the newest 10.
        let renditions = Synthetic.live(firstNumber: 1, count: 1300)
        let now = Synthetic.ast + 1300 * 6 + 1
        let request = ManifestRequest(renditions: renditions, kind: .liveSlidingWindow, now: now,
                                      availabilityStartTime: Synthetic.ast, urls: ManifestURLs(utcTimingURL: "/time"))
        let set = try ManifestSet(request, label: "live")
        try set.checkGolden("live", media: ["video-360p", "audio-aac"])
        let video = try #require(set.playlist("video-360p"))
        #expect(video.mediaSequence == 1291 && video.segments.count == 10 && !video.endList && video.playlistType == nil)
        #expect(video.segments.first?.programDateTime == "2026-01-01T02:09:00.000Z")
        #expect(set.mpd.contains("startNumber=\"101\""), "DVR window of 1200 segments ends at 1300")
        #expect(set.timeline.segments("video-720p").map(\.number) == Array(101...1300))
        #expect(set.timeline.segments("video-720p").first?.presentation == 600, "media time = seconds since availabilityStartTime")
        #expect(set.mpd.contains("timeShiftBufferDepth=\"PT7200S\"") && set.mpd.contains("urn:mpeg:dash:utc:http-iso:2014"))
    }

    @Test func event() throws {
        let request = ManifestRequest(renditions: Synthetic.live(firstNumber: 1, count: 6), kind: .liveEvent,
                                      now: Synthetic.ast + 37, availabilityStartTime: Synthetic.ast)
        let set = try ManifestSet(request, label: "event")
        try set.checkGolden("event", media: ["video-720p"])
        let video = try #require(set.playlist("video-720p"))
        #expect(video.playlistType == "EVENT" && video.mediaSequence == 1 && video.segments.count == 6 && !video.endList)
        #expect(set.mpd.contains("type=\"dynamic\"") && !set.mpd.contains("timeShiftBufferDepth"))
    }

    @Test func discontinuity() throws {
        let request = ManifestRequest(renditions: Synthetic.restarted(), kind: .liveSlidingWindow, hlsLiveSegmentCount: nil,
                                      now: Synthetic.ast + 65, availabilityStartTime: Synthetic.ast,
                                      urls: ManifestURLs(utcTimingURL: "https://example.test/time"))
        let set = try ManifestSet(request, label: "discontinuity")
        try set.checkGolden("discontinuity", media: ["video-360p", "audio-aac"])
        let video = try #require(set.playlist("video-360p"))
        #expect(video.segments.map(\.discontinuity) == [false, false, false, false, false, true, false, false, false])
        #expect(set.mpd.components(separatedBy: "<Period ").count == 3, "one Period per run")
        #expect(set.mpd.contains("<Period id=\"p6\" start=\"PT40S\">"), "restart placed by its wall clock")
        for id in ["video-360p", "audio-aac"] {
            let segments = set.timeline.segments(id)
            #expect(segments.first { $0.number == 6 }?.presentation == 40, "\(id): segment 6 plays at its arrival time")
            #expect(segments.first { $0.number == 5 }?.presentation == 24)
        }
    }

    /// An encoder that came back with other parameters has its own init: HLS announces it with a second
    /// EXT-X-MAP after the discontinuity, DASH in the Period that starts there.
    @Test func twoInitSegments() throws {
        let request = ManifestRequest(renditions: Synthetic.reinitialised(), kind: .liveSlidingWindow, hlsLiveSegmentCount: nil,
                                      now: Synthetic.ast + 65, availabilityStartTime: Synthetic.ast,
                                      urls: ManifestURLs(utcTimingURL: "/time"))
        let set = try ManifestSet(request, label: "reinit")
        try set.checkGolden("reinit", media: ["video-360p", "audio-aac"])
        for id in ["video-360p", "audio-aac"] {
            let lines = try #require(set.text(id)).split(separator: "\n")
            let maps = lines.filter { $0.hasPrefix("#EXT-X-MAP:") }
            #expect(maps == ["#EXT-X-MAP:URI=\"\(id)/init-1.mp4\"", "#EXT-X-MAP:URI=\"\(id)/init-6.mp4\""])
            let secondMap = try #require(lines.firstIndex(of: maps[1]))
            #expect(lines[secondMap - 1] == "#EXT-X-DISCONTINUITY" && lines[secondMap...].first { $0.hasSuffix(".m4s") } == "\(id)/seg-6.m4s")
        }
        let periods = set.mpd.components(separatedBy: "<Period ").dropFirst()
        #expect(periods.count == 2)
        #expect(periods.first?.contains("initialization=\"video-360p/init-1.mp4\"") == true)
        #expect(periods.last?.contains("initialization=\"video-360p/init-6.mp4\"") == true)
        #expect(periods.last?.contains("initialization=\"audio-aac/init-6.mp4\"") == true && periods.last?.contains("init-1") == false)

        // Once the first run slid out, the playlist opens with the second init and names no other.
        var slid = request
        slid.renditions = Synthetic.reinitialised().map { RenditionIndex(rendition: $0.rendition, segments: Array($0.segments.dropFirst(5))) }
        slid.discontinuitiesBefore = 0
        let later = try ManifestSet(slid, label: "reinit-slid")
        #expect(later.text("video-360p")?.contains("#EXT-X-MAP:URI=\"video-360p/init-6.mp4\"\n#EXT-X-PROGRAM-DATE-TIME") == true)
        #expect(later.text("video-360p")?.contains("init-1") == false && !later.mpd.contains("init-1"))
    }

    /// An init change without a discontinuity flag (not something the segmenter writes, but the index
    /// allows it) still gets its own EXT-X-MAP and Period: a segment is never paired with another init.
    @Test func initChangeAloneStartsPeriod() throws {
        let renditions = Synthetic.live(firstNumber: 1, count: 4, renditions: [Synthetic.ladder[1]]).map { index in
            var copy = index
            copy.segments = index.segments.map { var s = $0; s.initNumber = $0.number < 3 ? 1 : 3; return s }
            return copy
        }
        let set = try ManifestSet(ManifestRequest(renditions: renditions, kind: .liveEnded, availabilityStartTime: Synthetic.ast),
                                  label: "init-change")
        let text = try #require(set.text("video-360p"))
        #expect(!text.contains("#EXT-X-DISCONTINUITY\n"))
        #expect(text.contains("video-360p/seg-2.m4s\n#EXT-X-MAP:URI=\"video-360p/init-3.mp4\"\n"))
        #expect(set.mpd.components(separatedBy: "<Period ").count == 3)
    }

    @Test func filtered() throws {
        var request = ManifestRequest(renditions: Synthetic.vod(), kind: .vod)
        request.query = try ManifestQuery.parse(["max_height": "720", "min_bitrate": "1000k"])
        let set = try ManifestSet(request, label: "filtered")
        try set.checkGolden("filtered", media: [])
        #expect(set.media.map(\.id) == ["video-720p", "audio-aac"])
        #expect(!set.mpd.contains("video-1080p") && !set.mpd.contains("video-360p") && set.mpd.contains("video-720p"))
    }

    @Test func timeShifted() throws {
        var request = ManifestRequest(renditions: Synthetic.vod(count: 20), kind: .vod)
        request.query = try ManifestQuery.parse(["start": "13", "end": "40"])
        let set = try ManifestSet(request, label: "timeshift")
        try set.checkGolden("timeshift", media: ["video-1080p"])
        #expect(set.master.contains("video-1080p.m3u8?start=13&end=40"))
        let video = try #require(set.playlist("video-1080p"))
        #expect(video.segments.map(\.uri) == (3...7).map { "video-1080p/seg-\($0).m4s" }, "12-18 s holds 13, 36-42 s holds 40")
        #expect(set.mpd.contains("mediaPresentationDuration=\"PT30S\"") && set.mpd.contains("startNumber=\"3\""))
    }

    @Test func audioOnly() throws {
        let set = try ManifestSet(ManifestRequest(renditions: Synthetic.vod(renditions: [Synthetic.audio]), kind: .vod),
                                  label: "audio-only")
        try set.checkGolden("audio-only", media: ["audio-aac"])
        #expect(!set.master.contains("EXT-X-MEDIA:") && set.master.contains("CODECS=\"mp4a.40.2\"\naudio-aac.m3u8"))
        #expect(!set.mpd.contains("contentType=\"video\""))
    }

    @Test func videoOnly() throws {
        let set = try ManifestSet(ManifestRequest(renditions: Synthetic.vod(renditions: Synthetic.ladder), kind: .vod),
                                  label: "video-only")
        try set.checkGolden("video-only", media: [])
        #expect(!set.master.contains("AUDIO=") && !set.master.contains("mp4a"))
        #expect(!set.mpd.contains("contentType=\"audio\""))
    }

    @Test func liveEnded() throws {
        let request = ManifestRequest(renditions: Synthetic.restarted(), kind: .liveEnded, now: Synthetic.ast + 100,
                                      availabilityStartTime: Synthetic.ast, urls: ManifestURLs(utcTimingURL: "/time"))
        let set = try ManifestSet(request, label: "ended")
        try set.checkGolden("ended", media: ["video-360p"])
        #expect(set.playlist("video-360p")?.endList == true)
        #expect(set.mpd.contains("type=\"static\"") && !set.mpd.contains("UTCTiming"))
        #expect(set.mpd.contains("<Period id=\"p6\" start=\"PT30S\">"), "static periods play back to back")
        #expect(set.mpd.contains("mediaPresentationDuration=\"PT54S\""))
    }
}
