import Hummingbird
import MediaCore
import Storage

/// Low-latency DASH (chunked CMAF): a segment asked for while it is being written (the MPD's
/// availabilityTimeOffset lets players ask once its first part exists) is sent as it grows, each part as
/// soon as the segmenter stores it, with chunked transfer. The bytes are exactly the finished segment's
/// (it is its parts back to back): if they cannot all be sent (the stream stalls for three target
/// durations, or a part was lost and the segment became a gap) the response is cut off with an error, so
/// neither a player nor a CDN takes a short body for the segment.
extension MediaRoutes {
    func growingSegment(_ number: Int, rendition: SafeName, owner: SafeName) async throws -> ResponseBody? {
        // Only the segment being written (or the next one): its first part must come within the hold limit.
        guard try await awaitPart((number, 0), rendition: rendition, owner: owner) != nil else { return nil }
        let key = { @Sendable (index: Int) in
            MediaObjectKey(tree: .live, owner: owner, rendition: rendition, fileName: PartInfo.fileName(segment: number, index: index))
        }
        guard try store.objectData(key(0)) != nil else { return nil }  // the segment was already complete and its parts gone
        return ResponseBody { [self] (writer: inout any ResponseBodyWriter) in
            var partIndex = 0, sent = 0
            while true {
                if let part = try store.objectData(key(partIndex)) {
                    try await writer.write(ByteBuffer(bytes: part))
                    sent += part.count
                    partIndex += 1
                    continue
                }
                let limit = BlockingReload.holdLimit(targetDurationSeconds: 6)
                let next = partIndex
                guard let listing = try await listing(of: owner, when: { $0.edge(of: rendition).satisfies(msn: number, part: next) }, limit: limit) else {
                    throw OriginError.unavailable("segment \(number) of '\(owner)/\(rendition)' stopped growing")
                }
                guard (listing.edge(of: rendition).lastSegment ?? 0) >= number, try store.objectData(key(partIndex)) == nil else { continue }
                // Complete: every part was sent, unless the segment became a gap or lost a part.
                let size = listing.renditions.first { $0.rendition.id == rendition }?.segments.first { $0.number == number }?.size
                guard size == sent else {
                    throw OriginError.unavailable("segment \(number) of '\(owner)/\(rendition)' was not stored whole")
                }
                try await writer.finish(nil)
                return
            }
        }
    }

    private func listing(of owner: SafeName, when condition: @escaping @Sendable (MediaListing) -> Bool,
                       limit: Duration) async throws -> MediaListing? {
        try await index.listing(tree: .live, owner: owner, when: condition, until: .now + limit)
    }
}
