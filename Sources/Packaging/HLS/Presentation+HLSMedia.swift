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
        var keys = HLSKeyTags(protection: protection, rendition: index.rendition.id, timescale: Int(ts))
        let map = { [keys] (initNumber: Int?, segment: SegmentInfo?) in
            "#EXT-X-MAP:URI=\"" + prefix + SegmentInfo.initFileName(initNumber) + urlSuffix + keys.initQuery(for: segment) + "\"\n"
        }
        let uriStart = prefix + "seg-"
        // Low latency only at the live edge: not for a finished stream or a time-shift window, and not for an
        // encrypted stream (parts are served as stored; only whole segments are encrypted per request).
        let lowLatency = isStatic || request.query.hasTimeWindow || protection != nil ? nil : request.lowLatency
        let targetDuration = max(request.hlsTargetDuration ?? 1, Self.targetDuration(index))
        var out = TextWriter(capacity: 256 + listed.count * (prefix.utf8.count + 80))
        out.append(lowLatency == nil ? "#EXTM3U\n#EXT-X-VERSION:7\n" : "#EXTM3U\n#EXT-X-VERSION:9\n")
        out.append("#EXT-X-TARGETDURATION:")
        out.append(targetDuration)
        out.append("\n")
        if let lowLatency { out.append(lowLatency.headerTags(targetDuration: targetDuration)) }
        let first = listed.first?.number ?? hlsNumbers.lowerBound
        out.append("#EXT-X-MEDIA-SEQUENCE:")
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
        var shown = listed[...]
        if let lowLatency, lowLatency.skip {
            let skipped = Self.skippable(listed, timescale: ts, skipUntil: LowLatencyHLS.skipUntil(targetDuration: targetDuration))
            if skipped > 0 {
                out.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=")
                out.append(skipped)
                out.append("\n")
                shown = listed.dropFirst(skipped)
            }
        }
        let lastNumber = listed.last?.number ?? hlsNumbers.upperBound
        out.append(map(shown.first?.initNumber, shown.first))
        for (i, segment) in zip(shown.indices, shown) {
            if i != shown.startIndex {
                if segment.discontinuity { out.append("#EXT-X-DISCONTINUITY\n") }
                // A restarted encoder may have new parameters: re-announce the init segment after every
                // discontinuity, and wherever the segment names another init (RFC 8216 §4.3.2.5).
                if segment.discontinuity || segment.initNumber != listed[i - 1].initNumber || keys.startsInitPeriod(segment) {
                    out.append(keys.beforeMap())
                    out.append(map(segment.initNumber, segment))
                }
            }
            if let pdt = segment.programDateTime {
                out.append("#EXT-X-PROGRAM-DATE-TIME:")
                out.appendISO8601(pdt)
                out.append(byte: 10)
            }
            out.append(keys.before(segment))
            if segment.gap { out.append("#EXT-X-GAP\n") }
            if let lowLatency, segment.number > lastNumber - LowLatencyHLS.segmentsWithParts, !segment.gap {
                out.append(LowLatencyHLS.partLines(lowLatency.completeParts(of: index.rendition.id, segment: segment.number),
                                                   prefix: prefix, timescale: ts))
            }
            out.append("#EXTINF:")
            out.appendMillis(Decimal3.millis(segment.duration, timescale: ts))
            out.append(",\n")
            out.append(uriStart)
            out.append(segment.number)
            out.append(".m4s")
            out.append(urlSuffix)
            out.append("\n")
        }
        if let lowLatency {
            // The segment being written: its parts so far, then the hint for the next one.
            let open = lastNumber + 1
            let parts = lowLatency.completeParts(of: index.rendition.id, segment: open)
            if let firstPart = parts.first {
                if firstPart.discontinuity { out.append("#EXT-X-DISCONTINUITY\n") }
                if firstPart.discontinuity || firstPart.initNumber != listed.last?.initNumber { out.append(map(firstPart.initNumber, nil)) }
            }
            out.append(LowLatencyHLS.partLines(parts, prefix: prefix, timescale: ts))
            out.append(LowLatencyHLS.preloadHint(openSegment: open, openParts: parts, prefix: prefix))
            for other in renditions where other.rendition.id != index.rendition.id {
                out.append(lowLatency.renditionReport(other, uri: request.urls.mediaPlaylist(for: other.rendition.id)))
            }
        }
        if isStatic { out.append("#EXT-X-ENDLIST\n") }
        return out.string
    }

    /// Delta update: how many of the first `listed` segments end at least `skipUntil` seconds before the
    /// playlist's last segment does (draft-pantos-hls-rfc8216bis §4.4.5.2: only those may be skipped).
    static func skippable(_ listed: ArraySlice<SegmentInfo>, timescale: Int64, skipUntil: Int) -> Int {
        guard let last = listed.last else { return 0 }
        let boundary = last.start + last.duration - Int64(skipUntil) * timescale
        return listed.prefix { $0.start + $0.duration <= boundary }.count
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
