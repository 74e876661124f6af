import Foundation
import MediaCore

/// `mediaserve probe` without `--json`: a header line for the container, then one row per stream.
///
///     Fixtures/sample.mp4: mov,mp4,m4a,3gp,3g2,mj2 (QuickTime / MOV), 2.000 s, 226 kb/s, 56.4 kB
///     #  type   codec  profile  language  details
///     0  video  h264   High     und       320x180, 25 fps, yuv420p 8-bit, progressive, 148 kb/s
///     1  audio  aac    LC       eng       48000 Hz, stereo (2 ch), 65 kb/s
enum ProbeTable {
    static func render(_ probe: SourceProbe) -> String {
        var header = "\(probe.path): \(probe.container)"
        if let long = probe.containerLongName { header += " (\(long))" }
        let facts = [probe.duration.map(seconds), probe.bitRate.map(kbps), probe.size.map(bytes)].compactMap { $0 }
        if !facts.isEmpty { header += ", " + facts.joined(separator: ", ") }
        let rows = [["#", "type", "codec", "profile", "language", "details"]] + probe.streams.map(row)
        return ([header] + aligned(rows)).joined(separator: "\n")
    }

    static func row(_ s: StreamProbe) -> [String] {
        [String(s.index), s.type.rawValue, s.codec, s.profile ?? "-", s.language ?? "-", details(s)]
    }

    static func details(_ s: StreamProbe) -> String {
        var parts: [String] = []
        switch s.type {
        case .video: parts = videoDetails(s)
        case .audio: parts = audioDetails(s)
        default: break
        }
        if let rate = s.bitRate { parts.append(kbps(rate)) }
        if s.isAttachedPicture { parts.append("cover picture") }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    static func videoDetails(_ s: StreamProbe) -> [String] {
        var parts: [String] = []
        if let width = s.width, let height = s.height {
            var size = "\(width)x\(height)"
            if let sar = s.sampleAspectRatio, sar.numerator != sar.denominator {
                size += " SAR \(sar.numerator):\(sar.denominator)"
                if let dar = s.displayAspectRatio { size += " DAR \(dar.numerator):\(dar.denominator)" }
            }
            parts.append(size)
        }
        if let rate = s.frameRate, !s.isAttachedPicture { parts.append(fps(rate)) }
        if let format = s.pixelFormat { parts.append(s.bitDepth.map { "\(format) \($0)-bit" } ?? format) }
        if let order = s.fieldOrder { parts.append(s.isInterlaced ? "interlaced (\(order))" : order) }
        if let rotation = s.rotation, rotation != 0 {
            let shown = s.displaySize.map { ", shown \($0.width)x\($0.height)" } ?? ""
            parts.append("rotate \(rotation)° clockwise\(shown)")
        }
        return parts
    }

    static func audioDetails(_ s: StreamProbe) -> [String] {
        var parts: [String] = []
        if let rate = s.sampleRate { parts.append("\(rate) Hz") }
        switch (s.channelLayout, s.channels) {
        case let (layout?, channels?): parts.append("\(layout) (\(channels) ch)")
        case let (nil, channels?): parts.append("\(channels) ch")
        case let (layout?, nil): parts.append(layout)
        case (nil, nil): break
        }
        return parts
    }

    /// "25 fps", "29.97 fps (30000/1001)".
    static func fps(_ rate: Rational) -> String {
        if rate.denominator == 1 { return "\(rate.numerator) fps" }
        return String(format: "%.2f fps (%d/%d)", rate.value, rate.numerator, rate.denominator)
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }

    static func kbps(_ bitsPerSecond: Int) -> String { "\((bitsPerSecond + 500) / 1000) kb/s" }

    static func bytes(_ count: Int64) -> String {
        switch count {
        case ..<1000: return "\(count) B"
        case ..<1_000_000: return String(format: "%.1f kB", Double(count) / 1e3)
        case ..<1_000_000_000: return String(format: "%.1f MB", Double(count) / 1e6)
        default: return String(format: "%.2f GB", Double(count) / 1e9)
        }
    }

    /// Pads every column but the last to its widest cell, two spaces apart.
    static func aligned(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        let widths = (0..<columns).map { column in rows.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
