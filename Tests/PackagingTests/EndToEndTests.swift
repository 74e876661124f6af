import Foundation
import MediaCore
import Testing
import TestSupport
@testable import MP4
@testable import Packaging

/// Real segments → SegmentIndexer → our HLS and DASH text written beside the files → ffprobe opens the
/// manifests and decodes every frame of every rendition.
@Suite struct EndToEndTests {
    struct Written { var asset: FFmpegAsset; var indexes: [RenditionIndex]; var directory: URL }

    static func write(_ request: (([RenditionIndex]) -> ManifestRequest), into name: String) throws -> Written {
        let asset = try FFmpegAsset.shared.get()
        let indexes = try FFmpegAsset.specs.map { try RealFMP4Tests.index(asset, $0.id) }
        // Each test writes its manifests into its own folder (tests run in parallel) and reaches the
        // shared segments through the per-rendition URL prefix, as a versioned origin URL would.
        var resolved = request(indexes)
        resolved.urls.segmentPrefixes = Dictionary(uniqueKeysWithValues: indexes.map { ($0.rendition.id, "../\($0.rendition.id)/") })
        let presentation = try Presentation(resolved)
        let dir = asset.directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try presentation.hlsMultivariantPlaylist().write(to: dir.appendingPathComponent("\(name).m3u8"), atomically: true, encoding: .utf8)
        for index in presentation.renditions {
            try presentation.hlsMediaPlaylist(for: index.rendition.id)
                .write(to: dir.appendingPathComponent("\(index.rendition.id).m3u8"), atomically: true, encoding: .utf8)
        }
        let mpd = dir.appendingPathComponent("\(name).mpd")
        try presentation.dashMPD().write(to: mpd, atomically: true, encoding: .utf8)
        try MPDSchema.validate(file: mpd, label: "end-to-end \(name)")
        return Written(asset: asset, indexes: indexes, directory: dir)
    }

    /// Decodes each stream of `input` on its own (one ffprobe per stream: decoding all streams of a DASH
    /// input at once makes ffprobe stop some early) and returns (codec, width, frames decoded) per stream.
    static func decodedStreams(_ input: URL) throws -> [(codec: String, width: Int?, frames: Int)] {
        let listing = try run("ffprobe", ["-v", "error", "-show_entries", "stream=index,codec_name,width", "-of", "json", input.path])
        #expect(listing.status == 0, "ffprobe \(input.lastPathComponent): \(listing.stderr)")
        let json = try JSONSerialization.jsonObject(with: listing.stdoutData) as? [String: Any]
        return try (json?["streams"] as? [[String: Any]] ?? []).map { stream in
            let index = stream["index"] as? Int ?? -1
            let count = try run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", String(index),
                                            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", input.path])
            #expect(count.status == 0, "ffprobe decoding stream \(index) of \(input.lastPathComponent): \(count.stderr)")
            // csv output repeats streams inside program sections; the first number is the stream's count.
            let frames = count.stdout.split(whereSeparator: \.isNewline).lazy.compactMap { Int($0) }.first ?? 0
            return (stream["codec_name"] as? String ?? "?", stream["width"] as? Int, frames)
        }
    }

    static func sampleCounts(_ written: Written) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for spec in FFmpegAsset.specs {
            let initSegment = try written.asset.bytes(spec.id, "init.mp4")
            let track = try #require(try InitSegment.tracks(initSegment).first)
            counts[spec.id] = try written.asset.segmentNumbers(spec.id).reduce(0) {
                $0 + (try MediaSegment.summary(try written.asset.bytes(spec.id, "seg-\($1).m4s"), track: track)).sampleCount
            }
        }
        return counts
    }

    @Test func ffprobeDecodesEveryRenditionThroughOurManifests() throws {
        let written = try Self.write({ ManifestRequest(renditions: $0, kind: .vod) }, into: "vod")
        let samples = try Self.sampleCounts(written)
        #expect(samples["video-180p"] == 25 * FFmpegAsset.duration && samples["video-90p"] == 25 * FFmpegAsset.duration)

        // Each HLS media playlist: all frames decode.
        for spec in FFmpegAsset.specs {
            let streams = try Self.decodedStreams(written.directory.appendingPathComponent("\(spec.id).m3u8"))
            #expect(streams.count == 1 && streams.first?.frames == samples[spec.id], "\(spec.id).m3u8: \(streams)")
        }
        // The multivariant playlist: both variants and the audio group are found and decode.
        let master = try Self.decodedStreams(written.directory.appendingPathComponent("vod.m3u8"))
        #expect(Set(master.compactMap(\.width)) == [320, 160], "master: \(master)")
        #expect(master.contains { $0.codec == "aac" && $0.frames > 0 }, "master: \(master)")
        #expect(master.filter { $0.codec == "h264" }.allSatisfy { $0.frames == 25 * FFmpegAsset.duration }, "master: \(master)")
        // The MPD: one stream per Representation, every frame decodes.
        let dash = try Self.decodedStreams(written.directory.appendingPathComponent("vod.mpd"))
        #expect(dash.count == 3, "mpd: \(dash)")
        #expect(dash.filter { $0.codec == "h264" }.map(\.frames) == [175, 175], "mpd: \(dash)")
        #expect(dash.first { $0.codec == "aac" }?.frames == samples["audio-aac"], "mpd: \(dash)")
    }

    @Test func timeShiftedManifestsDecodeOnlyTheirWindow() throws {
        let written = try Self.write({
            ManifestRequest(renditions: $0, kind: .vod, query: ManifestQuery(start: .offset(2.5), end: .offset(5)))
        }, into: "shifted")
        // 2.5-5 s touches segments 2 (2-4 s) and 3 (4-6 s): 4 s of video = 100 frames.
        let dash = try Self.decodedStreams(written.directory.appendingPathComponent("shifted.mpd"))
        #expect(dash.filter { $0.codec == "h264" }.map(\.frames) == [100, 100], "mpd: \(dash)")
        #expect(dash.contains { $0.codec == "aac" && $0.frames == 188 }, "4.01 s of AAC frames: \(dash)")
        let hls = try Self.decodedStreams(written.directory.appendingPathComponent("video-180p.m3u8"))
        #expect(hls.first?.frames == 100, "hls: \(hls)")
    }

    @Test func restartedStreamPlaysAcrossTheDiscontinuity() throws {
        let asset = try FFmpegAsset.shared.get()
        let dir = asset.directory.appendingPathComponent("restart")
        let start = 1_767_225_600.0
        var indexes: [RenditionIndex] = []
        // A stream that ran for segments 1-3, stopped for 10 s, and restarted with its clock at 0: the
        // second run's files are ffmpeg's segments 1-4 again, stored as 4-7.
        for (id, source) in [("cam", "video-180p"), ("mic", "audio-aac")] {
            let target = dir.appendingPathComponent(id)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let initSegment = try asset.bytes(source, "init.mp4")
            try Data(initSegment).write(to: target.appendingPathComponent("init.mp4"))
            let timescale = Double(try #require(try InitSegment.tracks(initSegment).first).timescale)
            var parts: [SegmentIndexer.SegmentBytes] = []
            for (number, original, runStart) in [(1, 1, start), (2, 2, start), (3, 3, start),
                                                 (4, 1, start + 16), (5, 2, start + 16), (6, 3, start + 16), (7, 4, start + 16)] {
                let bytes = try asset.bytes(source, "seg-\(original).m4s")
                try Data(bytes).write(to: target.appendingPathComponent("seg-\(number).m4s"))
                let tfdt = Double(try MediaSegment.summary(bytes, track: try InitSegment.tracks(initSegment)[0]).baseMediaDecodeTime)
                parts.append(.init(number: number, bytes: bytes, programDateTime: runStart + tfdt / timescale))
            }
            indexes.append(try SegmentIndexer.index(id: SafeName(id)!, initSegment: initSegment, segments: parts))
        }
        #expect(indexes.allSatisfy { $0.segments.map(\.discontinuity) == [false, false, false, true, false, false, false] })
        let presentation = try Presentation(ManifestRequest(renditions: indexes, kind: .liveEnded, now: start + 60,
                                                            availabilityStartTime: start))
        try presentation.hlsMultivariantPlaylist().write(to: dir.appendingPathComponent("master.m3u8"), atomically: true, encoding: .utf8)
        for index in indexes {
            try presentation.hlsMediaPlaylist(for: index.rendition.id)
                .write(to: dir.appendingPathComponent("\(index.rendition.id).m3u8"), atomically: true, encoding: .utf8)
        }
        let mpd = dir.appendingPathComponent("manifest.mpd")
        try presentation.dashMPD().write(to: mpd, atomically: true, encoding: .utf8)
        try MPDSchema.validate(file: mpd, label: "restart")
        // Through HLS ffprobe reads every packet of both runs (3 segments of 50 + the whole 175 again).
        // It is not a player: its decoder drops some frames whose timestamps repeat the first run's, so
        // decoding is only required to reach well into the second run.
        let packets = try run("ffprobe", ["-v", "error", "-show_entries", "packet=pts", "-of", "csv=p=0",
                                          dir.appendingPathComponent("cam.m3u8").path])
        #expect(packets.stdout.split(separator: "\n").count == 150 + 175, "cam.m3u8 packets: \(packets.stderr)")
        let video = try Self.decodedStreams(dir.appendingPathComponent("cam.m3u8"))
        #expect((video.first?.frames ?? 0) >= 250, "cam.m3u8: \(video)")
        let audio = try Self.decodedStreams(dir.appendingPathComponent("mic.m3u8"))
        #expect((audio.first?.frames ?? 0) > 330, "mic.m3u8 decodes past the first run: \(audio)")
        // ffmpeg's DASH reader plays one Period, the latest: the whole second run must decode from it.
        let dash = try Self.decodedStreams(mpd)
        #expect(dash.map(\.frames) == [175, 330], "manifest.mpd: \(dash)")
    }
}
