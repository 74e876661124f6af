import Catalog
import Foundation
import MediaCore
import Testing
import TestSupport

/// What `mediaserve ingest` publishes: the catalog's index matches the files, `--copy` rewraps without
/// re-encoding at the source's keyframes, `--ladder` replaces the configured ladder, and a killed ingest's
/// staging folder is cleaned by the next one.
@Suite(.serialized)
struct IngestPublishTests {
    func ingest(_ source: URL, _ extra: [String], data: URL) throws -> RunResult {
        try run(TestMedia.mediaserveBinary.path, ["ingest", source.path, "--data-dir", data.path, "--json"] + extra)
    }

    @Test func catalogMatchesTheFiles() throws {
        let data = TestSources.scratch("data")
        let result = try ingest(try TestSources.small13s(), ["--id", "small", "--title", "Small clip", "--preset", "ultrafast",
                                                            "--rungs", "270,180"], data: data)
        #expect(result.status == 0, "\(result.stderr)")
        let catalog = try Catalog(path: data.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        let asset = try #require(try catalog.asset(AssetID("small")!))
        #expect(asset.title == "Small clip")
        #expect(asset.sourceProbe?.primaryVideo?.width == 480)
        let renditions = try catalog.renditions(of: AssetID("small")!)
        #expect(Set(renditions.map(\.rendition.id.rawValue)) == ["video-180p", "video-270p", "audio"])
        for index in renditions {
            let dir = data.appendingPathComponent("vod/small/\(index.rendition.id)")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            #expect(files.filter { $0.hasSuffix(".m4s") }.count == index.segments.count)
            #expect(files.contains("init.mp4"))
            for segment in index.segments {
                let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("seg-\(segment.number).m4s").path)[.size] as? Int
                #expect(size == segment.size)
            }
        }
    }

    @Test func copyRewrapsAtTheSourceKeyframes() throws {
        let source = try TestSources.make("keyframes2_5.mp4", [
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=13", "-f", "lavfi", "-i", "sine=f=500:r=48000:d=13",
            "-c:v", "libx264", "-preset", "ultrafast", "-force_key_frames", "expr:gte(t,n_forced*2.5)",
            "-x264-params", "scenecut=0", "-c:a", "aac", "-shortest"])
        let data = TestSources.scratch("data")
        let result = try ingest(source, ["--id", "copied", "--copy"], data: data)
        #expect(result.status == 0, "\(result.stderr)")
        let catalog = try Catalog(path: data.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        let renditions = try catalog.renditions(of: AssetID("copied")!)
        let video = try #require(renditions.first { $0.rendition.kind == .video })
        let scale = Double(video.rendition.timescale)
        // Keyframes every 2.5 s (the first frame at or after each multiple): nearest to 6 s is 5 s, to 12 s 12.52 s,
        // presented after the source's AAC priming (1024 samples at 48 kHz), which the copy keeps.
        let lead = 1024.0 / 48_000
        let starts = video.segments.map { Double($0.start) / scale }
        #expect(starts.count == 3 && starts[0] == 0)
        #expect(zip(starts.dropFirst(), [5 + lead, 12.52 + lead]).allSatisfy { abs($0 - $1) < 0.001 }, "\(starts)")
        #expect(video.rendition.codecs.hasPrefix("avc1."))
        // Not re-encoded: the packets are the source's, byte for byte.
        let dir = data.appendingPathComponent("vod/copied/\(video.rendition.id)")
        let ours = try run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "packet=size", "-of", "csv=p=0",
                                       OutputInspection.joined(dir, segments: video.segments.count).path]).stdout
        let theirs = try run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "packet=size", "-of", "csv=p=0",
                                         source.path]).stdout
        #expect(ours == theirs)
        let audio = try #require(renditions.first { $0.rendition.kind == .audio })
        for (a, v) in zip(audio.segments, video.segments) {
            #expect(abs(Double(a.start) / Double(audio.rendition.timescale) - Double(v.start) / scale) <= 1024.0 / 48_000)
        }
    }

    /// MPEG-TS carries H.264 as Annex B with parameter sets in-band and AAC with ADTS headers: the copy
    /// writes an avcC and an AudioSpecificConfig, length-prefixed pictures and raw AAC frames.
    @Test func copyOfMPEGTransportStream() throws {
        let source = try TestSources.make("keyframes2_5.ts", [
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=13", "-f", "lavfi", "-i", "sine=f=500:r=48000:d=13",
            "-c:v", "libx264", "-preset", "veryfast", "-force_key_frames", "expr:gte(t,n_forced*2.5)",
            "-x264-params", "scenecut=0", "-c:a", "aac", "-shortest", "-f", "mpegts"])
        let data = TestSources.scratch("data")
        let result = try ingest(source, ["--id", "ts", "--copy"], data: data)
        #expect(result.status == 0, "\(result.stderr)")
        let catalog = try Catalog(path: data.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        let renditions = try catalog.renditions(of: AssetID("ts")!)
        let video = try #require(renditions.first { $0.rendition.kind == .video })
        let audio = try #require(renditions.first { $0.rendition.kind == .audio })
        #expect(video.rendition.codecs == "avc1.64000C")  // High, level 1.2: what x264 chose for 320x180
        #expect(audio.rendition.codecs == "mp4a.40.2")
        #expect(video.segments.count == 3)

        let videoDir = data.appendingPathComponent("vod/ts/\(video.rendition.id)")
        let audioDir = data.appendingPathComponent("vod/ts/audio")
        let videoFile = try OutputInspection.joined(videoDir, segments: video.segments.count)
        let audioFile = try OutputInspection.joined(audioDir, segments: audio.segments.count)
        #expect(try OutputInspection.stream(videoDir, segments: video.segments.count)["profile"] as? String == "High")
        #expect(try OutputInspection.stream(audioDir, segments: audio.segments.count)["sample_rate"] as? String == "48000")
        for file in [videoFile, audioFile] {
            let decoded = try run("ffmpeg", ["-v", "error", "-i", file.path, "-f", "null", "-"])
            #expect(decoded.status == 0 && decoded.stderr.isEmpty, "\(file.lastPathComponent): \(decoded.stderr)")
        }
        // Every segment opens with an IDR, at the source keyframes nearest 6 and 12 s (5 s, 12.52 s), which
        // all lie the same lead after their decode times.
        for segment in video.segments {
            #expect(try OutputInspection.firstPictureNALType(videoDir.appendingPathComponent("seg-\(segment.number).m4s")) == 5)
        }
        // (The lead, rounded up to whole AAC frames of padding, exceeds x264's reorder delay by less than a frame.)
        let starts = video.segments.map { Double($0.start) / Double(video.rendition.timescale) }
        let shift = starts[1] - 5
        #expect(starts[0] == 0 && shift >= 0 && shift < 1024.0 / 48_000, "\(starts)")
        #expect(abs(starts[2] - 12.52 - shift) < 0.001, "\(starts)")
        // Not re-encoded: the same number of pictures; each AAC frame is the source's minus its 7-byte header.
        func sizes(_ file: URL, _ stream: String) throws -> [Int] {
            try run("ffprobe", ["-v", "error", "-select_streams", stream, "-show_entries", "packet=size", "-of", "csv=p=0",
                                file.path]).stdout.split(separator: "\n").compactMap { Int($0.split(separator: ",").first ?? "") }
        }
        #expect(try sizes(videoFile, "v").count == (try sizes(source, "v")).count)
        // (Silent frames may pad the start, so compare all but the first few.)
        let sourceAudio = try sizes(source, "a").map { $0 - 7 }
        let ourAudio = try sizes(audioFile, "a")
        let compared = min(ourAudio.count, sourceAudio.count) - 5
        #expect(compared > 500)
        #expect(Array(ourAudio.suffix(compared)) == Array(sourceAudio.suffix(compared)))
    }

    @Test func copyOfAnotherCodecSuggestsATranscode() throws {
        let source = try TestSources.make("vp9copy.webm", ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1",
                                                           "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"])
        let data = TestSources.scratch("data")
        let result = try ingest(source, ["--copy"], data: data)
        #expect(result.status == 1)
        #expect(result.stderr.contains("without --copy"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func ladderFileReplacesTheConfiguredLadder() throws {
        let data = TestSources.scratch("data")
        let ladder = data.appendingPathComponent("tiny-ladder.yaml")
        try Data("""
            segment_seconds: 4
            preset: ultrafast
            rungs:
              - { height: 144, video_kbps: 150, profile: main }
              - { height: 216, video_kbps: 300, profile: high }
            """.utf8).write(to: ladder)
        let result = try ingest(try TestSources.small13s(), ["--id", "tiny", "--ladder", ladder.path], data: data)
        #expect(result.status == 0, "\(result.stderr)")
        let catalog = try Catalog(path: data.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        let renditions = try catalog.renditions(of: AssetID("tiny")!)
        let video = renditions.filter { $0.rendition.kind == .video }
        // The 270p source is above the top rung, so the ladder stops there (no rung between two to add).
        #expect(video.compactMap(\.rendition.height).sorted() == [144, 216])
        let first = try #require(video.first)
        #expect(first.segments.map { $0.start / Int64(first.rendition.timescale) } == [0, 4, 8, 12])
    }

    @Test func killedIngestLeavesOnlyStagingWhichTheNextOneCleans() throws {
        let source = try TestSources.make("long.mp4", ["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=40",
                                                       "-c:v", "libx264", "-preset", "ultrafast"])
        let data = TestSources.scratch("data")
        let process = Process()
        process.executableURL = TestMedia.mediaserveBinary
        process.arguments = ["ingest", source.path, "--data-dir", data.path, "--preset", "medium", "--id", "killed", "--json"]
        let output = OutputLines()
        process.standardOutput = output.pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed mid-work: after its first progress event (staging exists, segments are being written).
        let working = output.wait(forLineContaining: #""event":"progress""#, timeout: 60)
        kill(process.processIdentifier, SIGKILL)
        try #require(working, "no progress event from the ingest: \(output.text)")
        process.waitUntilExit()
        let staging = data.appendingPathComponent("staging")
        #expect((try FileManager.default.contentsOfDirectory(atPath: staging.path)).count == 1)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("vod").path)) ?? [] == [])

        let next = try ingest(try TestSources.small13s(), ["--id", "next", "--preset", "ultrafast", "--rungs", "180"], data: data)
        #expect(next.status == 0, "\(next.stderr)")
        #expect((try FileManager.default.contentsOfDirectory(atPath: staging.path)).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("vod").path) == ["next"])
    }
}
