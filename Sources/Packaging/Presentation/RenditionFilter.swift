import MediaCore

/// Applies `max_height`, `min_bitrate`, `max_bitrate` to an asset's renditions.
///
/// Filters pick video renditions; audio stays (a 128 kb/s track must not vanish because of `min_bitrate`),
/// except in audio-only assets, where the bitrate filters pick among the audio renditions.
enum RenditionFilter {
    static func apply(_ query: ManifestQuery, to renditions: [RenditionIndex]) throws -> [RenditionIndex] {
        let hasVideo = renditions.contains { $0.rendition.kind == .video }
        func keepsBitrate(_ r: Rendition) -> Bool {
            if let low = query.minBitrate, r.peakBitrate < low { return false }
            if let high = query.maxBitrate, r.peakBitrate > high { return false }
            return true
        }
        let kept = renditions.filter { index in
            let r = index.rendition
            switch r.kind {
            case .video:
                if let maxHeight = query.maxHeight, let height = r.height, height > maxHeight { return false }
                return keepsBitrate(r)
            case .audio:
                return hasVideo || keepsBitrate(r)
            }
        }
        if hasVideo, !kept.contains(where: { $0.rendition.kind == .video }) {
            throw PackagingError.noRenditionsLeft(reason: "no video rendition matches \(describe(query)); available: "
                + renditions.filter { $0.rendition.kind == .video }
                    .map { "\($0.rendition.height.map { "\($0)p" } ?? "?") at \($0.rendition.peakBitrate) b/s" }
                    .joined(separator: ", "))
        }
        if kept.isEmpty {
            throw PackagingError.noRenditionsLeft(reason: renditions.isEmpty
                ? "the asset has no renditions" : "no audio rendition matches \(describe(query))")
        }
        return kept
    }

    private static func describe(_ q: ManifestQuery) -> String {
        var parts: [String] = []
        if let v = q.maxHeight { parts.append("max_height=\(v)") }
        if let v = q.minBitrate { parts.append("min_bitrate=\(v)") }
        if let v = q.maxBitrate { parts.append("max_bitrate=\(v)") }
        return parts.isEmpty ? "the request" : parts.joined(separator: " ")
    }
}
