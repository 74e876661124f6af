import Foundation
import Testing
import TestSupport

/// `mediaserve ingest` driven as a user would: bad input gives one line and stores nothing; odd, rotated,
/// VFR and non-H.264 sources give correct assets; ids, --replace and Ctrl-C behave.
@Suite(.serialized)
struct IngestCommandTests {
    struct Outcome {
        var status: Int32
        var stderr: String
        var result: [String: Any]
        var dataDir: URL
    }

    func ingest(_ source: URL, _ extra: [String] = [], dataDir: URL? = nil) throws -> Outcome {
        let data = dataDir ?? TestSources.scratch("data")
        let run = try TestSupport.run(TestMedia.mediaserveBinary.path,
                                      ["ingest", source.path, "--data-dir", data.path, "--json", "--preset", "ultrafast"] + extra)
        let last = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let result = (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any] ?? [:]
        return Outcome(status: run.status, stderr: run.stderr, result: result, dataDir: data)
    }

    func renditionIDs(_ outcome: Outcome) -> [String] {
        ((outcome.result["renditions"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    func published(_ data: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("vod").path)) ?? []).sorted()
    }

    func staged(_ data: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("staging").path)) ?? []
    }

    func expectOneLineFailure(_ outcome: Outcome, mentioning text: String? = nil) {
        #expect(outcome.status == 1)
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("mediaserve: ") == true, "stderr: \(outcome.stderr)")
        if let text { #expect(outcome.stderr.contains(text), "stderr: \(outcome.stderr)") }
        #expect(published(outcome.dataDir).isEmpty)
        #expect(staged(outcome.dataDir).isEmpty)
    }

    @Test func brokenInputsFailWithOneLineAndStoreNothing() throws {
        let empty = TestSources.folder.appendingPathComponent("empty.mp4")
        FileManager.default.createFile(atPath: empty.path, contents: Data())
        expectOneLineFailure(try ingest(empty), mentioning: "empty")

        let text = TestSources.folder.appendingPathComponent("notes.mp4")
        try Data("this is not a video\n".utf8).write(to: text)
        expectOneLineFailure(try ingest(text))

        // moov first (faststart), then cut in the middle of the media data.
        let whole = try TestSources.make("faststart.mp4", [
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", "-c:v", "libx264", "-preset", "ultrafast",
            "-movflags", "+faststart"])
        let bytes = try Data(contentsOf: whole)
        let truncated = TestSources.folder.appendingPathComponent("truncated.mp4")
        try bytes.prefix(bytes.count / 3).write(to: truncated)
        let cut = try ingest(truncated)
        if cut.status == 0 {
            // What survives is a correct, shorter asset.
            #expect(renditionIDs(cut) == ["video-180p"])
        } else {
            expectOneLineFailure(cut)
        }

        let subtitlesOnly = TestSources.folder.appendingPathComponent("subs.srt")
        try Data("1\n00:00:00,000 --> 00:00:01,000\nhello\n".utf8).write(to: subtitlesOnly)
        let subs = try TestSources.make("subs.mkv", ["-i", subtitlesOnly.path, "-c:s", "srt"])
        expectOneLineFailure(try ingest(subs), mentioning: "no audio or video stream")

        expectOneLineFailure(try ingest(TestSources.folder.appendingPathComponent("missing.mp4")), mentioning: "no such file")
    }

    @Test func audioOnlyAndVideoOnlyAssets() throws {
        let audio = try TestSources.make("tone.m4a", ["-f", "lavfi", "-i", "sine=f=300:r=44100:d=3", "-ac", "1", "-c:a", "aac"])
        let a = try ingest(audio)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(renditionIDs(a) == ["audio"])
        #expect(published(a.dataDir) == ["tone"])

        let video = try TestSources.make("silent.mp4", ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=3",
                                                        "-c:v", "libx264", "-preset", "ultrafast"])
        let v = try ingest(video)
        #expect(v.status == 0, "\(v.stderr)")
        #expect(renditionIDs(v) == ["video-180p"])
    }

    @Test(arguments: [
        ("hevc10.mp4", ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error"]),
        ("vp9.webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"]),
        ("av1.mkv", ["-c:v", "libaom-av1", "-cpu-used", "8", "-b:v", "100k"]),
    ])
    func otherCodecsBecomeEightBitH264(name: String, codec: [String]) throws {
        let source = try TestSources.make(name, ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2"] + codec)
        let outcome = try ingest(source, ["--id", "codec-test"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let dir = outcome.dataDir.appendingPathComponent("vod/codec-test/video-180p")
        let stream = try OutputInspection.stream(dir, segments: 1)
        #expect(stream["codec_name"] as? String == "h264")
        #expect(stream["pix_fmt"] as? String == "yuv420p")
        #expect(stream["width"] as? Int == 320)
    }

    @Test func oddSizedSourceGivesEvenRenditions() throws {
        let source = try TestSources.make("odd.mp4", ["-f", "lavfi", "-i", "testsrc2=s=854x481:r=25:d=2",
                                                      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"])
        let outcome = try ingest(source, ["--id", "odd"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(renditionIDs(outcome) == ["video-360p", "video-480p"])
        let top = try OutputInspection.stream(outcome.dataDir.appendingPathComponent("vod/odd/video-480p"), segments: 1)
        #expect(top["width"] as? Int == 854)
        #expect(top["height"] as? Int == 480)
    }

    @Test func rotatedSourceIsTurnedUpright() throws {
        // FFmpeg 5.1 writes a display matrix from the `rotate` tag only when stream-copying.
        let upright = try TestSources.make("upright.mp4", ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2",
                                                           "-c:v", "libx264", "-preset", "ultrafast"])
        let source = try TestSources.make("rotated.mp4", ["-i", upright.path, "-c", "copy", "-metadata:s:v:0", "rotate=90"])
        let outcome = try ingest(source, ["--id", "rotated"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(renditionIDs(outcome) == ["video-320p"])
        let stream = try OutputInspection.stream(outcome.dataDir.appendingPathComponent("vod/rotated/video-320p"), segments: 1)
        #expect(stream["width"] as? Int == 180)
        #expect(stream["height"] as? Int == 320)
    }

    @Test func variableFrameRateSourceStaysAligned() throws {
        // 30 fps where the first 100 frames keep only every third one: 10 fps, then 30 fps.
        let source = try TestSources.make("vfr.mp4", [
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=8", "-vf", "select='not(mod(n\\,3))+gt(n\\,100)'",
            "-vsync", "vfr", "-c:v", "libx264", "-preset", "ultrafast"])
        let outcome = try ingest(source, ["--id", "vfr"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let dir = outcome.dataDir.appendingPathComponent("vod/vfr/video-180p")
        let keyframes = try OutputInspection.keyframeTimes(dir, segments: 2)
        #expect(keyframes.count == 2)
        #expect(abs((keyframes.first ?? -1) - 0) < 0.001)
        #expect(abs((keyframes.last ?? -1) - 6) < 1.0 / 30 + 0.001)
    }

    @Test func idsAndReplace() throws {
        let source = try TestSources.make("My Clip (1).mp4", ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1",
                                                              "-c:v", "libx264", "-preset", "ultrafast"])
        let first = try ingest(source)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.result["asset"] as? String == "my-clip-1")
        // The files carry their version (the origin's URLs name it): 1, then 2 after the replace.
        let stamp = first.dataDir.appendingPathComponent("vod/my-clip-1/version")
        #expect((try? String(contentsOf: stamp, encoding: .utf8)) == "1\n")
        let again = try ingest(source, dataDir: first.dataDir)
        #expect(again.status == 1)
        #expect(again.stderr.contains("--replace"))
        let replaced = try ingest(source, ["--replace"], dataDir: first.dataDir)
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(published(first.dataDir) == ["my-clip-1"])
        #expect((try? String(contentsOf: stamp, encoding: .utf8)) == "2\n")
        let bad = try ingest(source, ["--id", "Bad/Id"], dataDir: first.dataDir)
        #expect(bad.status != 0)
    }

    @Test func interruptLeavesNothingPublished() throws {
        let source = try TestSources.make("long.mp4", ["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=40",
                                                       "-c:v", "libx264", "-preset", "ultrafast"])
        let data = TestSources.scratch("data")
        let process = Process()
        process.executableURL = TestMedia.mediaserveBinary
        process.arguments = ["ingest", source.path, "--data-dir", data.path, "--preset", "medium", "--json"]
        let output = OutputLines()
        process.standardOutput = output.pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Interrupted mid-work: after its first progress event.
        let working = output.wait(forLineContaining: #""event":"progress""#, timeout: 60)
        #expect(working, "no progress event from the ingest: \(output.text)")
        #expect(process.isRunning, "the ingest finished before it could be interrupted")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(published(data).isEmpty)
        #expect(staged(data).isEmpty)
    }
}
