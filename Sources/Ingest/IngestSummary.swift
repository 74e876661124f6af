import Foundation
import MediaCore

/// The final result of an ingest, as printed (one line of JSON or a short table) and returned to callers.
public struct IngestSummary: Codable, Sendable, Equatable {
    public struct RenditionLine: Codable, Sendable, Equatable {
        public var id: String
        public var codecs: String
        public var width: Int?
        public var height: Int?
        public var segments: Int
        public var bytes: Int
        public var averageBitrate: Int
        public var peakBitrate: Int
    }

    public var event = "result"
    public var asset: String
    public var duration: Double
    public var wallSeconds: Double
    public var renditions: [RenditionLine]

    public init(asset: AssetID, renditions: [RenditionIndex], wallSeconds: Double) {
        self.asset = asset.rawValue
        self.wallSeconds = (wallSeconds * 100).rounded() / 100
        duration = renditions.map(\.durationSeconds).max() ?? 0
        self.renditions = renditions.map {
            RenditionLine(id: $0.rendition.id.rawValue, codecs: $0.rendition.codecs, width: $0.rendition.width,
                          height: $0.rendition.height, segments: $0.segments.count,
                          bytes: $0.segments.reduce(0) { $0 + $1.size }, averageBitrate: $0.rendition.averageBitrate,
                          peakBitrate: $0.rendition.peakBitrate)
        }
    }

    /// Human summary: one line per rendition, then the totals.
    public var text: String {
        var lines = ["ingested \(asset): \(String(format: "%.2f", duration)) s in \(String(format: "%.1f", wallSeconds)) s"]
        for r in renditions {
            let size = r.width.map { w in "\(w)x\(r.height ?? 0)" } ?? "audio"
            lines.append("  \(r.id.padding(toLength: 12, withPad: " ", startingAt: 0)) \(size.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                         + "\(r.codecs.padding(toLength: 12, withPad: " ", startingAt: 0)) \(r.segments) segments  "
                         + "\(Self.megabytes(r.bytes))  avg \(r.averageBitrate / 1000) kb/s  peak \(r.peakBitrate / 1000) kb/s")
        }
        lines.append("  total \(Self.megabytes(renditions.reduce(0) { $0 + $1.bytes }))")
        return lines.joined(separator: "\n")
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.2f MB", Double(bytes) / 1_000_000) }
}
