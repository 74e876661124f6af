import Foundation
import MediaCore
import NIOConcurrencyHelpers
import TestSupport
@testable import Live

/// A fresh directory under the system temp folder, removed by the caller when it wants.
func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediaserve-live-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a program on a GCD thread so waiting for it never blocks Swift's cooperative pool (where the
/// segmenter tasks under test run).
func runDetached(_ program: String, _ arguments: [String]) async throws -> RunResult {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try run(program, arguments) })
        }
    }
}

/// ffmpeg as a real publisher: test pattern and a sine tone, x264 with 1 s GOPs, AAC, `seconds` long.
func publish(port: Int, key: String, seconds: Int, size: String = "320x180") async throws -> RunResult {
    try await runDetached("ffmpeg", [
        "-hide_banner", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", "testsrc2=s=\(size):r=25", "-f", "lavfi", "-i", "sine",
        "-c:v", "libx264", "-g", "25", "-c:a", "aac", "-t", "\(seconds)",
        "-f", "flv", "rtmp://127.0.0.1:\(port)/live/\(key)",
    ])
}

/// Collects live events from any thread.
final class EventLog: Sendable {
    private let events = NIOLockedValueBox<[LiveEvent]>([])
    private let times = NIOLockedValueBox<[Double]>([])

    func append(_ event: LiveEvent) {
        events.withLockedValue { $0.append(event) }
        times.withLockedValue { $0.append(Date().timeIntervalSince1970) }
    }

    /// Seconds from a segment's last sample arriving (program date time + duration) to the segment being
    /// on disk and reported: how long a viewer waits behind the encoder, apart from the segment itself.
    func availabilityLatencies(stream: String, rendition: String) -> [Double] {
        zip(events.withLockedValue { $0 }, times.withLockedValue { $0 }).compactMap { event, time in
            guard case .segment(let s, let r, let info) = event, s.rawValue == stream, r.id.rawValue == rendition,
                  let pdt = info.programDateTime else { return nil }
            return time - (pdt + Double(info.duration) / Double(r.timescale))
        }
    }
    var all: [LiveEvent] { events.withLockedValue { $0 } }

    func segments(_ rendition: String) -> [SegmentInfo] {
        all.compactMap { event in
            if case .segment(_, let r, let info) = event, r.id.rawValue == rendition { return info }
            return nil
        }
    }

    func count(where predicate: (LiveEvent) -> Bool) -> Int { all.filter(predicate).count }

    /// Waits (polling) until `predicate` holds, up to `timeout` seconds.
    func wait(timeout: Double = 10, until predicate: @escaping ([LiveEvent]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(all) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return predicate(all)
    }
}

extension LiveEvent {
    var isPublishEnded: Bool {
        if case .publishEnded = self { return true }
        return false
    }
}

/// ffprobe decodes init + segment; returns (frames decoded, first frame's picture type or nil for audio).
func decode(initSegment: URL, segment: URL, in directory: URL) async throws -> (frames: Int, firstPictureType: String?, duration: Double) {
    let joined = directory.appendingPathComponent("joined-\(segment.deletingLastPathComponent().lastPathComponent)-\(segment.lastPathComponent).mp4")
    try (Data(contentsOf: initSegment) + Data(contentsOf: segment)).write(to: joined)
    let probe = try await runDetached("ffprobe", ["-v", "error", "-count_frames", "-show_entries",
                                    "stream=nb_read_frames:format=duration", "-of", "json", joined.path])
    guard probe.status == 0, probe.stderr.isEmpty,
          let json = try JSONSerialization.jsonObject(with: probe.stdoutData) as? [String: Any],
          let stream = (json["streams"] as? [[String: Any]])?.first,
          let frames = Int(stream["nb_read_frames"] as? String ?? "") else {
        throw TestFailure("ffprobe could not decode \(segment.path): \(probe.stderr)")
    }
    let duration = Double((json["format"] as? [String: Any])?["duration"] as? String ?? "") ?? 0
    let first = try await runDetached("ffprobe", ["-v", "error", "-select_streams", "v", "-read_intervals", "%+#1",
                                    "-show_entries", "frame=pict_type,key_frame", "-of", "csv=p=0", joined.path])
    let line = first.stdout.split(separator: "\n").first.map(String.init)
    return (frames, line, duration)
}

/// A locked value for test logs.
final class NIOLockedValueBoxShim<Value: Sendable>: Sendable {
    private let box: NIOLockedValueBox<Value>
    init(_ value: Value) { box = NIOLockedValueBox(value) }
    func mutate(_ body: (inout Value) -> Void) { box.withLockedValue(body) }
    var value: Value { box.withLockedValue { $0 } }
}
