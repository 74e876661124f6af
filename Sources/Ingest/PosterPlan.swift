import FFmpegKit
import Foundation
import MediaCore
import Storage

/// Where and how big an asset's poster images are: `poster.jpg` at the top video rung's display size and
/// `thumbnail.jpg` 320 pixels wide, from the frame at 10 % of the duration (black frames skipped).
/// Written into the staging folder, so they are published with the asset in its one rename.
public struct PosterPlan: Sendable, Equatable {
    public static let thumbnailWidth = 320
    public var seconds: Double
    public var poster: (width: Int, height: Int)
    public var thumbnail: (width: Int, height: Int)

    /// Nil for an asset without video.
    public init?(renditions: [RenditionIndex], durationSeconds: Double?) {
        guard let top = renditions.filter({ $0.rendition.kind == .video }).max(by: { ($0.rendition.height ?? 0) < ($1.rendition.height ?? 0) }),
              let width = top.rendition.width, let height = top.rendition.height, width > 0, height > 0 else { return nil }
        seconds = max(0, (durationSeconds ?? 0) * 0.1)
        poster = (width, height)
        let thumbWidth = min(Self.thumbnailWidth, width)
        // Even dimensions for 4:2:0 chroma.
        thumbnail = (thumbWidth - thumbWidth % 2, max(2, Int((Double(height) * Double(thumbWidth) / Double(width) / 2).rounded()) * 2))
    }

    public static func == (lhs: PosterPlan, rhs: PosterPlan) -> Bool {
        lhs.seconds == rhs.seconds && lhs.poster == rhs.poster && lhs.thumbnail == rhs.thumbnail
    }

    /// Decodes the source and writes both images into `staging`.
    public func write(source: String, into staging: URL) throws {
        try PosterFrame.write(source: source, atSeconds: seconds, outputs: [
            .init(width: poster.width, height: poster.height, path: staging.appendingPathComponent(DataDirectory.posterFileName).path),
            .init(width: thumbnail.width, height: thumbnail.height,
                  path: staging.appendingPathComponent(DataDirectory.thumbnailFileName).path),
        ])
    }
}
