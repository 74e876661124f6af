import MediaCore
import Testing
@testable import Packaging

/// DVR window, newest-N HLS lists, time shift and filters, checked over successive live requests.
@Suite struct WindowTests {
    func live(_ count: Int, kind: PresentationKind = .liveSlidingWindow, dvr: Double = 60, newest: Int? = 4,
              query: ManifestQuery = ManifestQuery(), first: Int = 1) -> ManifestRequest {
        ManifestRequest(renditions: Synthetic.live(firstNumber: first, count: count), kind: kind, query: query, dvrWindow: dvr,
                        hlsLiveSegmentCount: newest, now: Synthetic.ast + Double(first - 1 + count) * 6,
                        availabilityStartTime: Synthetic.ast)
    }

    @Test func slidingPlaylistsAdvanceMediaSequenceBySegmentsThatLeft() throws {
        var previous: ParsedMediaPlaylist?
        for count in [3, 4, 5, 7, 10, 13] {
            let set = try ManifestSet(live(count), label: "slide \(count)")
            let video = try #require(set.playlist("video-360p"))
            #expect(video.segments.count == min(count, 4))
            #expect(video.segments.last?.uri == "video-360p/seg-\(count).m4s")
            if let previous {
                #expect(ParsedMediaPlaylist.succession(previous, video).isEmpty, "\(ParsedMediaPlaylist.succession(previous, video))")
            }
            previous = video
        }
    }

    @Test func ringDropsOldSegmentsAndDiscontinuitySequenceStaysMonotonic() throws {
        // The restarted stream (restart at 6), then the ring loses segments 1-6 and the caller says so.
        let full = Synthetic.restarted()
        var request = ManifestRequest(renditions: full, kind: .liveSlidingWindow, hlsLiveSegmentCount: 4,
                                      now: Synthetic.ast + 70, availabilityStartTime: Synthetic.ast)
        let before = try ManifestSet(request, label: "ring before")
        request.renditions = full.map { RenditionIndex(rendition: $0.rendition, segments: $0.segments.filter { $0.number > 6 }) }
        request.discontinuitiesBefore = 1
        let after = try ManifestSet(request, label: "ring after")
        for id in ["video-360p", "audio-aac"] {
            let old = try #require(before.playlist(id)), new = try #require(after.playlist(id))
            #expect(ParsedMediaPlaylist.succession(old, new).isEmpty, "\(id): \(ParsedMediaPlaylist.succession(old, new))")
            #expect(new.discontinuitySequence == 1)
        }
    }

    @Test func eventPlaylistsOnlyGrow() throws {
        var previous: ParsedMediaPlaylist?
        for count in [2, 5, 30] {
            let set = try ManifestSet(live(count, kind: .liveEvent), label: "event \(count)")
            let video = try #require(set.playlist("video-360p"))
            #expect(video.segments.count == count && video.mediaSequence == 1 && video.playlistType == "EVENT")
            if let previous { #expect(ParsedMediaPlaylist.succession(previous, video).isEmpty) }
            previous = video
        }
    }

    @Test func dvrWindowBoundsTheMPD() throws {
        let set = try ManifestSet(live(30, dvr: 60), label: "dvr 60")
        #expect(set.mpd.contains("startNumber=\"21\"") && set.mpd.contains("timeShiftBufferDepth=\"PT60S\""))
        #expect(set.mpd.contains("<S t=\"1536000\" d=\"76800\" r=\"9\"/>"), "segments 21-30: 120 s at 12800 Hz, ten of them")
    }

    @Test func liveTimeShiftByWallClockAndSeconds() throws {
        // Ask for 00:00:30-00:01:00 of a stream that has run 3 minutes: segments 6-10, finished → static.
        let q1 = try ManifestQuery.parse(["start": "2026-01-01T00:00:30Z", "end": "2026-01-01T00:01:00Z"])
        let byClock = try ManifestSet(live(30, dvr: 7200, query: q1), label: "shift clock")
        let q2 = try ManifestQuery.parse(["start": "30", "end": "60"])
        let bySeconds = try ManifestSet(live(30, dvr: 7200, query: q2), label: "shift seconds")
        for set in [byClock, bySeconds] {
            let video = try #require(set.playlist("video-360p"))
            #expect(video.segments.map(\.uri) == (6...10).map { "video-360p/seg-\($0).m4s" })
            #expect(video.endList)
            #expect(set.mpd.contains("type=\"static\"") && set.mpd.contains("mediaPresentationDuration=\"PT30S\""))
        }
        // An open-ended start stays live and lists from there to the edge, past the newest-N limit.
        let open = try ManifestSet(live(30, dvr: 7200, query: try .parse(["start": "150"])), label: "shift open")
        let video = try #require(open.playlist("video-360p"))
        #expect(video.segments.count == 5 && !video.endList && open.mpd.contains("type=\"dynamic\""))
    }

    @Test func windowsAreClampedToWhatExists() throws {
        var request = ManifestRequest(renditions: Synthetic.vod(count: 5), kind: .vod)
        request.query = try .parse(["start": "0", "end": "1000"])
        let set = try ManifestSet(request, label: "clamped")
        #expect(set.playlist("video-360p")?.segments.count == 5)
    }

    @Test(arguments: [["start": "500"], ["start": "10", "end": "10.5", "max_height": "100"]])
    func emptyWindowsAndFiltersFailWithAReason(_ parameters: [String: String]) throws {
        var request = ManifestRequest(renditions: Synthetic.vod(count: 5), kind: .vod)
        request.query = try .parse(parameters)
        #expect(throws: PackagingError.self) { try Presentation(request) }
    }

    @Test func filterErrorsNameWhatExists() throws {
        var request = ManifestRequest(renditions: Synthetic.vod(count: 2), kind: .vod)
        request.query = try .parse(["max_height": "240"])
        #expect(throws: PackagingError.noRenditionsLeft(reason:
            "no video rendition matches max_height=240; available: 1080p at 5750000 b/s, 360p at 920000 b/s, 720p at 3220000 b/s")) {
            try Presentation(request)
        }
        request.query = try .parse(["start": "100"])
        #expect(throws: PackagingError.emptyWindow(reason: "no segment between 100 s and the end; available: 0–9.2 s")) {
            try Presentation(request)
        }
    }

    @Test func vodWallClockNeedsProgramDateTime() throws {
        var request = ManifestRequest(renditions: Synthetic.vod(count: 2), kind: .vod)
        request.query = try .parse(["start": "2026-01-01T00:00:00Z"])
        #expect(throws: PackagingError.self) { try Presentation(request) }
    }

    @Test func audioOnlyBitrateFilters() throws {
        var request = ManifestRequest(renditions: Synthetic.vod(count: 2, renditions: [Synthetic.audio]), kind: .vod)
        request.query = try .parse(["min_bitrate": "200k"])
        #expect(throws: PackagingError.self) { try Presentation(request) }
        request.query = try .parse(["max_height": "200"])
        #expect(try Presentation(request).renditions.count == 1, "max_height does not apply to audio")
    }
}
