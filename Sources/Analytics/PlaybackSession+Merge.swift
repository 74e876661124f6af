extension PlaybackSession {
    /// This stored session with what `fresh` learned from CMCD while the stored one was not in memory
    /// (the recorder credits CMCD without reading the database on the media path, and merges at flush).
    func absorbing(cmcdOf fresh: PlaybackSession) -> PlaybackSession {
        var merged = self
        merged.lastSeen = max(lastSeen, fresh.lastSeen)
        merged.firstSeen = min(firstSeen, fresh.firstSeen)
        merged.cmcdRequests += fresh.cmcdRequests
        for bitrate in fresh.renditions where !merged.renditions.contains(bitrate) && merged.renditions.count < 32 {
            merged.renditions.append(bitrate)
        }
        merged.renditions.sort()
        if !merged.hasEvents {
            merged.stallCount += fresh.stallCount
            merged.renditionMs.merge(fresh.renditionMs, uniquingKeysWith: +)
            merged.bitrate = fresh.bitrate ?? merged.bitrate
        }
        merged.cmcdThroughputKbps = fresh.cmcdThroughputKbps ?? merged.cmcdThroughputKbps
        merged.cmcdBufferMs = fresh.cmcdBufferMs ?? merged.cmcdBufferMs
        merged.cmcdTopBitrateKbps = fresh.cmcdTopBitrateKbps ?? merged.cmcdTopBitrateKbps
        return merged
    }
}
