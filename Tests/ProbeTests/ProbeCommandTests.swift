import Foundation
import Testing
import TestSupport

/// `mediaserve probe` run as a user runs it: the built binary, its stdout, stderr and exit status.
@Suite struct ProbeCommandTests {
    static let streamKeys: Set<String> = [
        "index", "type", "codec", "codec_long_name", "profile", "width", "height", "display_width",
        "display_height", "sample_aspect_ratio", "display_aspect_ratio", "frame_rate", "pixel_format",
        "bit_depth", "field_order", "interlaced", "rotation", "bit_rate", "channels", "channel_layout",
        "sample_rate", "language", "duration", "attached_picture",
    ]
    static let topKeys: Set<String> = ["schema", "path", "container", "container_long_name", "duration", "bit_rate", "size", "streams"]

    func mediaserve(_ arguments: String...) throws -> RunResult {
        try run(TestMedia.mediaserveBinary.path, arguments)
    }

    @Test func jsonHasTheFixedShapeAndFFprobesValues() throws {
        let url = try TestMedia.file("rotated90.mp4")
        let result = try mediaserve("probe", url.path, "--json")
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(Set(object.keys) == Self.topKeys)
        #expect(object["schema"] as? Int == 1)
        let streams = try #require(object["streams"] as? [[String: Any]])
        for stream in streams { #expect(Set(stream.keys) == Self.streamKeys) }

        let oracle = try FFprobeOracle(url)
        #expect(object["container"] as? String == oracle.format.text("format_name"))
        #expect(object["size"] as? Int == oracle.format.int("size"))
        let video = streams[0], audio = streams[1]
        #expect(video["codec"] as? String == oracle.streams[0].text("codec_name"))
        #expect(video["width"] as? Int == oracle.streams[0].int("width"))
        #expect(video["frame_rate"] as? String == oracle.streams[0].text("avg_frame_rate"))
        #expect(video["rotation"] as? Int == 90)
        #expect(video["display_width"] as? Int == 360 && video["display_height"] as? Int == 640)
        #expect(video["channels"] is NSNull)
        #expect(audio["sample_rate"] as? Int == oracle.streams[1].int("sample_rate"))
        #expect(audio["channel_layout"] as? String == "stereo")
        #expect(audio["width"] is NSNull)
    }

    @Test func jsonIsSortedAndStable() throws {
        let path = TestMedia.committed.appendingPathComponent("sample.mp4").path
        let first = try mediaserve("probe", "--json", path)
        let second = try mediaserve("probe", path, "--json")
        #expect(first.stdout == second.stdout)
        let keys = first.stdout.split(separator: "\n").prefix(8).compactMap { line -> String? in
            let parts = line.split(separator: "\"")
            return parts.count > 1 ? String(parts[1]) : nil
        }
        #expect(keys == keys.sorted())
    }

    @Test func tableHasAContainerLineAndOneRowPerStream() throws {
        let path = TestMedia.committed.appendingPathComponent("sample.mp4").path
        let result = try mediaserve("probe", path)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 4)
        #expect(lines[0].hasPrefix("\(path): mov,mp4,m4a,3gp,3g2,mj2 (QuickTime / MOV), 2.000 s"))
        #expect(lines[1].split(separator: " ", omittingEmptySubsequences: true) == ["#", "type", "codec", "profile", "language", "details"])
        #expect(lines[2].hasPrefix("0  video  h264"))
        #expect(lines[2].contains("320x180, 25 fps, yuv420p 8-bit, progressive"))
        #expect(lines[3].hasPrefix("1  audio  aac"))
        #expect(lines[3].contains("48000 Hz, stereo (2 ch)"))
    }

    @Test(arguments: BadInputTests.cases.map(\.file) + ["no-such-file.mp4"])
    func badInputIsOneLineAndExitOne(_ name: String) throws {
        let path = TestMedia.generated.appendingPathComponent(name).path
        for arguments in [["probe", path], ["probe", path, "--json"]] {
            let result = try run(TestMedia.mediaserveBinary.path, arguments)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "stderr: \(result.stderr)")
            #expect(result.stderr.hasPrefix("mediaserve: \(path): "))
        }
    }

    /// Files FFmpeg logs about (unknown codec, decoder banners, trailing garbage) probe with a silent stderr.
    @Test(arguments: ["no_decoder.mp4", "av1.mkv", "interlaced_tff.ts", "broken_garbage_appended.mp4", "audio_cover.mp3"])
    func quietOnFilesFFmpegTalksAbout(_ name: String) throws {
        let result = try mediaserve("probe", try TestMedia.file(name).path)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
        let verbose = try mediaserve("probe", try TestMedia.file(name).path, "--json", "--verbose")
        #expect(verbose.status == 0)
        #expect(try JSONSerialization.jsonObject(with: verbose.stdoutData) is [String: Any])
    }

    @Test func verboseLetsFFmpegSpeak() throws {
        let path = try TestMedia.file("broken_truncated.mp4").path
        let quiet = try mediaserve("probe", path)
        #expect(!quiet.stderr.contains("moov atom not found"))
        let verbose = try mediaserve("probe", path, "--verbose")
        #expect(verbose.status == 1)
        #expect(verbose.stderr.contains("moov atom not found"))
        #expect(verbose.stderr.hasSuffix("its recording was never finished\n"))
    }

    @Test(arguments: [["probe"], ["probe", "--bogus", "x.mp4"], ["probe", "a.mp4", "b.mp4"], ["frobnicate"]])
    func usageErrorsExitTwo(_ arguments: [String]) throws {
        let result = try run(TestMedia.mediaserveBinary.path, arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("mediaserve: "))
        #expect(result.stderr.contains("--help"))
    }

    @Test func versionAndHelp() throws {
        let version = try mediaserve("--version")
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try mediaserve("--help")
        #expect(help.status == 0 && help.stdout.contains("probe") && help.stdout.contains("Examples"))
        let probeHelp = try mediaserve("probe", "--help")
        #expect(probeHelp.status == 0 && probeHelp.stdout.contains("--json") && probeHelp.stdout.contains("Examples"))
    }
}
