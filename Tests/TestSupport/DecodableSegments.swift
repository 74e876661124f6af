import Foundation
import MediaCore

/// Every segment decodes after its init segment, opens with an I frame (video), and tfdt continues exactly
/// where the previous segment's samples ended, as read back from the files (ffprobe decodes). Shared by the
/// segmenter and listener tests; the first mismatch throws `TestFailure` naming the file.
public func assertDecodable(_ indexes: [RenditionIndex], root: URL, scratch: URL) async throws {
    for index in indexes {
        let directory = root.appendingPathComponent(index.rendition.id.rawValue)
        var expectedStart: UInt64?
        for segment in index.segments {
            let initURL = directory.appendingPathComponent(segment.initFileName)
            let file = directory.appendingPathComponent("seg-\(segment.number).m4s")
            let facts = try SegmentFacts(file: file)
            try check(facts.sequenceNumber == UInt32(segment.number), "\(file.path): mfhd sequence \(facts.sequenceNumber), index says \(segment.number)")
            try check(facts.baseMediaDecodeTime == UInt64(segment.start), "\(file.path): tfdt \(facts.baseMediaDecodeTime), index says \(segment.start)")
            try check(facts.duration == UInt64(segment.duration), "\(file.path): samples last \(facts.duration), index says \(segment.duration)")
            if let expectedStart { try check(facts.baseMediaDecodeTime == expectedStart, "tfdt gap before \(file.lastPathComponent)") }
            // Continuity is checked between consecutive numbers (a deleted segment leaves a real gap).
            let hasNext = index.segments.contains { $0.number == segment.number + 1 }
            expectedStart = hasNext ? facts.baseMediaDecodeTime + facts.duration : nil
            let decoded = try await decode(initSegment: initURL, segment: file, in: scratch)
            try check(decoded.frames == facts.sampleDurations.count, "\(file.path) decoded \(decoded.frames) of \(facts.sampleDurations.count)")
            if index.rendition.kind == .video {
                try check(decoded.firstPictureType?.contains("I") == true, "\(file.path) starts with \(decoded.firstPictureType ?? "nothing")")
            }
        }
    }
}

/// Throws `TestFailure(message)` unless `condition` holds.
public func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw TestFailure(message()) }
}

/// ffprobe decodes init + segment; returns (frames decoded, first frame's picture type or nil for audio).
public func decode(initSegment: URL, segment: URL, in directory: URL) async throws -> (frames: Int, firstPictureType: String?, duration: Double) {
    let joined = directory.appendingPathComponent("joined-\(segment.deletingLastPathComponent().lastPathComponent)-\(segment.lastPathComponent).mp4")
    try (Data(contentsOf: initSegment) + Data(contentsOf: segment)).write(to: joined)
    let probe = try await runAsync("ffprobe", ["-v", "error", "-count_frames", "-show_entries",
                                    "stream=nb_read_frames:format=duration", "-of", "json", joined.path])
    guard probe.status == 0, probe.stderr.isEmpty,
          let json = try JSONSerialization.jsonObject(with: probe.stdoutData) as? [String: Any],
          let stream = (json["streams"] as? [[String: Any]])?.first,
          let frames = Int(stream["nb_read_frames"] as? String ?? "") else {
        throw TestFailure("ffprobe could not decode \(segment.path): \(probe.stderr)")
    }
    let duration = Double((json["format"] as? [String: Any])?["duration"] as? String ?? "") ?? 0
    let first = try await runAsync("ffprobe", ["-v", "error", "-select_streams", "v", "-read_intervals", "%+#1",
                                    "-show_entries", "frame=pict_type,key_frame", "-of", "csv=p=0", joined.path])
    let line = first.stdout.split(separator: "\n").first.map(String.init)
    return (frames, line, duration)
}
