import Foundation
import MediaCore
import Testing
import TestSupport
@testable import MP4
@testable import Packaging

/// The box reader on real CMAF files written by ffmpeg, checked against ffprobe's own reading of them.
@Suite struct RealFMP4Tests {
    struct Packet { var dts: Int64; var duration: Int64; var size: Int; var keyframe: Bool }

    /// ffprobe's packets of init+segment joined into one file, and the stream time base denominator.
    static func probePackets(initSegment: [UInt8], segment: [UInt8]) throws -> (timescale: Int, packets: [Packet]) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(initSegment + segment).write(to: file)
        let result = try run("ffprobe", ["-v", "error", "-select_streams", "0", "-show_entries",
                                         "stream=time_base:packet=dts,duration,size,flags", "-of", "json", file.path])
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "ffprobe: \(result.stderr)")
        let stream = try #require((json["streams"] as? [[String: Any]])?.first)
        let timeBase = try #require(stream["time_base"] as? String)
        let denominator = try #require(Int(timeBase.split(separator: "/").last ?? ""))
        let packets: [Packet] = (json["packets"] as? [[String: Any]] ?? []).map { p in
            Packet(dts: Int64(p["dts"] as? Int ?? Int(p["dts"] as? String ?? "") ?? Int.min),
                   duration: Int64(p["duration"] as? Int ?? Int(p["duration"] as? String ?? "") ?? -1),
                   size: p["size"] as? Int ?? Int(p["size"] as? String ?? "") ?? -1,
                   keyframe: (p["flags"] as? String ?? "").hasPrefix("K"))
        }
        // ffprobe leaves some durations unknown (N/A, e.g. the first AAC packet of a fragment): take the
        // gap to the next packet's dts instead, which is what the container's sample duration says.
        var filled = packets
        for i in filled.indices where filled[i].duration < 0 && i + 1 < filled.count {
            filled[i].duration = filled[i + 1].dts - filled[i].dts
        }
        return (denominator, filled)
    }

    @Test(arguments: FFmpegAsset.specs.map(\.id))
    func fragmentsMatchFFprobePackets(_ id: String) throws {
        let asset = try FFmpegAsset.shared.get()
        let initSegment = try asset.bytes(id, "init.mp4")
        let track = try #require(try InitSegment.tracks(initSegment).first)
        let playlist = try String(contentsOf: asset.renditionDirectory(id).appendingPathComponent("ffmpeg.m3u8"), encoding: .utf8)
        let ffmpegDurations: [Double?] = playlist.split(separator: "\n").filter { $0.hasPrefix("#EXTINF:") }
            .map { Double($0.dropFirst(8).prefix { $0 != "," }) }
        var offsets: Set<Int64> = []
        var previousEnd: UInt64?
        for number in try asset.segmentNumbers(id) {
            let bytes = try asset.bytes(id, "seg-\(number).m4s")
            let summary = try MediaSegment.summary(bytes, track: track)
            let probe = try Self.probePackets(initSegment: initSegment, segment: bytes)
            #expect(probe.timescale == Int(track.timescale), "\(id) timescale")
            let packets = probe.packets
            #expect(summary.sampleCount == packets.count, "\(id) seg \(number) sample count")
            // Every sample but the last is confirmed by ffprobe's dts steps; the last one's duration may be
            // trimmed in trun (AAC end padding), which ffprobe reports as a whole frame.
            let lastSample = Int64(summary.sampleDurations.last ?? 0)
            #expect(Int64(summary.duration) == packets.dropLast().reduce(0) { $0 + $1.duration } + lastSample,
                    "\(id) seg \(number) duration")
            #expect(lastSample > 0 && lastSample <= packets.last?.duration ?? 0)
            // ffmpeg's own playlist states each segment's duration; ours must agree to the microsecond.
            let extinf = try #require(ffmpegDurations[number - 1])
            #expect(abs(Double(summary.duration) / Double(track.timescale) - extinf) < 0.000_001, "\(id) seg \(number) vs EXTINF \(extinf)")
            #expect(summary.startsWithKeyframe == packets.first?.keyframe, "\(id) seg \(number) keyframe flag")
            #expect(summary.size == bytes.count && packets.reduce(0) { $0 + $1.size } < bytes.count)
            // ffprobe applies the init segment's edit list, a constant shift; tfdt itself is continuous.
            if let first = packets.first { offsets.insert(Int64(summary.baseMediaDecodeTime) - first.dts) }
            if let previousEnd { #expect(summary.baseMediaDecodeTime == previousEnd, "\(id) seg \(number) tfdt continuous") }
            previousEnd = summary.baseMediaDecodeTime + summary.duration
            if track.kind == .video { #expect(summary.startsWithKeyframe, "every video segment starts with an IDR") }
        }
        #expect(offsets.count == 1, "\(id): tfdt minus ffprobe dts must be one constant, got \(offsets)")
        #expect(offsets.allSatisfy { abs($0) <= 3 * Int64(track.timescale) / 25 }, "\(id): shift \(offsets) beyond the B-frame delay")
    }

    @Test func indexerRebuildsRenditionsLikeFFprobeDescribesThem() throws {
        let asset = try FFmpegAsset.shared.get()
        for spec in FFmpegAsset.specs {
            let index = try Self.index(asset, spec.id)
            let r = index.rendition
            let probe = try ffprobeJSON(asset.renditionDirectory(spec.id).appendingPathComponent("ffmpeg.m3u8").path)
            let stream = try #require((probe["streams"] as? [[String: Any]])?.first)
            #expect(index.segments.map(\.number) == Array(1...index.segments.count))
            #expect(!index.segments.contains { $0.discontinuity })
            #expect(abs(index.durationSeconds - Double(FFmpegAsset.duration)) < 0.1, "\(spec.id) duration \(index.durationSeconds)")
            #expect(r.peakBitrate >= r.averageBitrate && r.averageBitrate > 0)
            if r.kind == .video {
                #expect(r.width == stream["width"] as? Int && r.height == stream["height"] as? Int)
                #expect(r.frameRate == Rational(25, 1))
                let level = try #require(stream["level"] as? Int)
                let profile = stream["profile"] as? String
                #expect(r.codecs.hasPrefix(profile == "High" ? "avc1.64" : "avc1.4D"), "\(r.codecs) vs \(profile ?? "?")")
                #expect(r.codecs.hasSuffix(String(level, radix: 16, uppercase: true).count == 1
                    ? "0" + String(level, radix: 16, uppercase: true) : String(level, radix: 16, uppercase: true)))
            } else {
                #expect(r.codecs == "mp4a.40.2" && stream["profile"] as? String == "LC")
                #expect(r.sampleRate == Int(stream["sample_rate"] as? String ?? "") && r.channels == stream["channels"] as? Int)
            }
        }
    }

    /// Reads one rendition's files the way `mediaserve reindex` would, and indexes them.
    static func index(_ asset: FFmpegAsset, _ id: String) throws -> RenditionIndex {
        let dir = asset.renditionDirectory(id)
        let segments = try asset.segmentNumbers(id).map {
            SegmentIndexer.SegmentBytes(number: $0, contentsOf: try Data(contentsOf: dir.appendingPathComponent("seg-\($0).m4s")))
        }
        return try SegmentIndexer.index(id: SafeName(id)!, initSegmentContents: try Data(contentsOf: dir.appendingPathComponent("init.mp4")),
                                        segments: segments)
    }
}
