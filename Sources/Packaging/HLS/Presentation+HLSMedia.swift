import MediaCore

/// HLS media playlists (RFC 8216 §4.3.3, version 7, fMP4 segments with EXT-X-MAP).
extension Presentation {
    public func hlsMediaPlaylist(for id: SafeName) throws -> String {
        guard let index = renditions.first(where: { $0.rendition.id == id }) else {
            throw PackagingError.noRenditionsLeft(reason: "rendition \(id) is not part of this presentation (or was filtered out)")
        }
        return hlsMediaPlaylist(index)
    }

    func hlsMediaPlaylist(_ index: RenditionIndex) -> String {
        let listed = segments(of: index, in: hlsNumbers)
        let ts = Int64(index.rendition.timescale)
        let prefix = request.urls.segmentPrefix(for: index.rendition.id)
        let protection = request.protection?.hlsMethod == nil ? nil : request.protection
        let urlSuffix = protection?.urlSuffix ?? ""
        let map = { (segment: SegmentInfo?) in
            "#EXT-X-MAP:URI=\"" + prefix + (segment?.initFileName ?? "init.mp4") + urlSuffix + "\"\n"
        }
        var keys = HLSKeyTags(protection: protection, rendition: index.rendition.id, timescale: Int(ts))
        let uriStart = prefix + "seg-"
        var out = TextWriter(capacity: 256 + listed.count * (prefix.utf8.count + 80))
        out.append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:")
        out.append(max(request.hlsTargetDuration ?? 1, Self.targetDuration(index)))
        let first = listed.first?.number ?? hlsNumbers.lowerBound
        out.append("\n#EXT-X-MEDIA-SEQUENCE:")
        out.append(first)
        out.append("\n#EXT-X-DISCONTINUITY-SEQUENCE:")
        out.append(discontinuitySequence(index, firstListed: first))
        out.append("\n")
        switch request.kind {
        case .vod: out.append("#EXT-X-PLAYLIST-TYPE:VOD\n")
        case .liveEvent: out.append("#EXT-X-PLAYLIST-TYPE:EVENT\n")
        case .liveSlidingWindow, .liveEnded: break
        }
        out.append("#EXT-X-INDEPENDENT-SEGMENTS\n")
        out.append(map(listed.first))
        for (i, segment) in zip(listed.indices, listed) {
            if i != listed.startIndex {
                if segment.discontinuity { out.append("#EXT-X-DISCONTINUITY\n") }
                // A restarted encoder may have new parameters: re-announce the init segment after every
                // discontinuity, and wherever the segment names another init (RFC 8216 §4.3.2.5).
                if segment.discontinuity || segment.initNumber != listed[i - 1].initNumber {
                    out.append(keys.beforeMap())
                    out.append(map(segment))
                }
            }
            if let pdt = segment.programDateTime {
                out.append("#EXT-X-PROGRAM-DATE-TIME:")
                out.appendISO8601(pdt)
                out.append(byte: 10)
            }
            out.append(keys.before(segment))
            if segment.gap { out.append("#EXT-X-GAP\n") }
            out.append("#EXTINF:")
            out.appendMillis(Decimal3.millis(segment.duration, timescale: ts))
            out.append(",\n")
            out.append(uriStart)
            out.append(segment.number)
            out.append(".m4s")
            out.append(urlSuffix)
            out.append("\n")
        }
        if isStatic { out.append("#EXT-X-ENDLIST\n") }
        return out.string
    }

    /// The largest EXTINF rounded to the nearest integer (RFC 8216 §4.3.3.1), over every segment of the
    /// rendition rather than only the listed ones, so it stays constant while a live window slides. Live
    /// callers also pass `hlsTargetDuration` (the segmenter's maximum) so a longer new segment cannot raise it.
    static func targetDuration(_ index: RenditionIndex) -> Int {
        let ts = Int64(index.rendition.timescale)
        var longest: Int64 = 0
        for segment in index.segments { longest = max(longest, Decimal3.millis(segment.duration, timescale: ts)) }
        return max(1, Int((longest + 500) / 1000))
    }

    /// Discontinuities before the first listed segment: the segment keeps its discontinuity sequence
    /// number in every version of the playlist (RFC 8216 §6.2.2). The first listed segment's own flag is
    /// counted here because its tag is not written.
    func discontinuitySequence(_ index: RenditionIndex, firstListed: Int) -> Int {
        var count = request.discontinuitiesBefore
        for segment in index.segments {
            if segment.number > firstListed { break }
            if segment.discontinuity { count += 1 }
        }
        return count
    }
}
