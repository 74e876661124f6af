import Foundation
import MediaCore
import TestSupport
@testable import LiveSegmenting

/// Live events as the listeners under test report them.
typealias EventLog = RecordedEvents<LiveEvent>

/// ffmpeg as a real publisher: test pattern and a sine tone, x264 with 1 s GOPs, AAC, `seconds` long.
func publish(port: Int, key: String, seconds: Int, size: String = "320x180") async throws -> RunResult {
    try await runAsync("ffmpeg", [
        "-hide_banner", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", "testsrc2=s=\(size):r=25", "-f", "lavfi", "-i", "sine",
        "-c:v", "libx264", "-g", "25", "-c:a", "aac", "-t", "\(seconds)",
        "-f", "flv", "rtmp://127.0.0.1:\(port)/live/\(key)",
    ])
}

extension RecordedEvents where Event == LiveEvent {
    /// Seconds from a segment's last sample arriving (program date time + duration) to the segment being
    /// on disk and reported: how long a viewer waits behind the encoder, apart from the segment itself.
    func availabilityLatencies(stream: String, rendition: String) -> [Double] {
        timed.compactMap { event, time in
            guard case .segment(let s, let r, let info) = event, s.rawValue == stream, r.id.rawValue == rendition,
                  let pdt = info.programDateTime else { return nil }
            return time - (pdt + Double(info.duration) / Double(r.timescale))
        }
    }
}

extension LiveEvent {
    var isPublishEnded: Bool {
        if case .publishEnded = self { return true }
        return false
    }
}
