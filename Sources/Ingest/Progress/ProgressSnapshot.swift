import Foundation

/// Derived figures for one progress report: percent, encoding rate, speed against real time and time left.
/// Pure, so the CLI bar, the JSON events and the origin's job queue all show the same numbers.
public struct ProgressSnapshot: Equatable, Sendable, Codable {
    /// 0...100, nil when the source duration is unknown.
    public var percent: Double?
    /// Frames per second encoded (slowest rendition).
    public var fps: Double
    /// Media seconds done per wall-clock second (2.0 = twice real time).
    public var speed: Double
    /// Estimated seconds left, nil until there is something to extrapolate from.
    public var etaSeconds: Double?
    public var encodedSeconds: Double
    public var elapsedSeconds: Double

    public init(_ progress: TranscodeProgress) {
        let elapsed = max(progress.elapsed, 0)
        encodedSeconds = progress.encodedSeconds
        elapsedSeconds = elapsed
        fps = elapsed > 0 ? Double(progress.frames) / elapsed : 0
        speed = elapsed > 0 ? progress.encodedSeconds / elapsed : 0
        if let total = progress.totalSeconds, total > 0 {
            let fraction = min(max(progress.encodedSeconds / total, 0), 1)
            percent = fraction * 100
            etaSeconds = speed > 0 ? max(total - progress.encodedSeconds, 0) / speed : nil
        } else {
            percent = nil
            etaSeconds = nil
        }
    }

    /// `[##########----------]  50.0%  212 fps  8.5x  ETA 0:07` for a terminal line of about 60 columns.
    public func barLine(width: Int = 24) -> String {
        var parts: [String] = []
        if let percent {
            let filled = Int((percent / 100 * Double(width)).rounded(.down))
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]")
            parts.append(String(format: "%5.1f%%", percent))
        } else {
            parts.append(String(format: "%.1fs", encodedSeconds))
        }
        parts.append(String(format: "%.0f fps", fps))
        parts.append(String(format: "%.1fx", speed))
        if let etaSeconds { parts.append("ETA " + Self.clock(etaSeconds)) }
        return parts.joined(separator: "  ")
    }

    /// `m:ss` or `h:mm:ss`.
    public static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
