import FFmpegKit
import Foundation
import Testing
import TestSupport

/// Every kind of bad input gives one error that names the file and the problem.
@Suite struct BadInputTests {
    init() { FFmpegLog.setVerbose(false) }

    static let cases: [(file: String, says: String)] = [
        ("broken_empty.mp4", "file is empty (0 bytes)"),
        ("broken_text.txt", "not a media file"),
        ("broken_not_media.mp4", "not a media file"),
        ("broken_truncated.mp4", "without its moov box"),
        ("broken_directory.mp4", "is a directory"),
        ("broken_subtitles_only.mkv", "no audio or video stream to ingest (the file holds 1 subtitle stream)"),
        ("broken_data_only.mov", "no audio or video stream to ingest (the file holds 1 data stream)"),
    ]

    @Test(arguments: cases)
    func probeRefuses(_ file: String, _ says: String) throws {
        let path = try TestMedia.file(file).path
        do {
            let probe = try InputFile.probe(path: path)
            Issue.record("probe accepted \(file): \(probe)")
        } catch {
            #expect(error.subject == path)
            #expect(error.description.hasPrefix("\(path): "))
            #expect(error.description.contains(says), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func missingFile() {
        let path = TestMedia.generated.appendingPathComponent("no-such-file.mp4").path
        #expect(throws: FFmpegError(call: "open", message: "no such file", subject: path)) {
            try InputFile.probe(path: path)
        }
    }

    @Test func truncatedMP4KeepsFFmpegsReason() throws {
        let path = try TestMedia.file("broken_truncated.mp4").path
        do {
            _ = try InputFile(path: path)
            Issue.record("opened a moov-less MP4")
        } catch {
            #expect(error.call == "avformat_open_input")
            #expect(error.detail == "moov atom not found")
            #expect(!error.isRaw)
        }
    }

    @Test func subtitleOnlyFileOpensButIsNotIngestable() throws {
        // Valid media: InputFile opens it and describes it; only InputFile.probe(path:) refuses it.
        let file = try InputFile(path: TestMedia.file("broken_subtitles_only.mkv").path)
        let probe = file.probe()
        #expect(probe.streams.map(\.type) == [.subtitle])
        #expect(probe.streams.first?.codec == "subrip")
    }
}
