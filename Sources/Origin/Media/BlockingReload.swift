import MediaCore

/// An LL-HLS blocking playlist reload (draft-pantos-hls-rfc8216bis §6.2.5.2): `_HLS_msn=<M>` and
/// optionally `_HLS_part=<P>` ask the server to answer only once the playlist holds segment M (or
/// part P of it). Parsed from the query before anything waits, so a bad value is a 400 at once.
struct BlockingReload: Sendable, Equatable {
    var msn: Int
    var part: Int?

    /// Nil when the request does not block. Throws `badRequest` for values the draft does not allow:
    /// not whole numbers, `_HLS_part` without `_HLS_msn`.
    static func parse(_ query: [String: String]) throws -> BlockingReload? {
        let msn = query["_HLS_msn"], part = query["_HLS_part"]
        guard let msn else {
            if part != nil { throw OriginError.badRequest("_HLS_part needs _HLS_msn") }
            return nil
        }
        guard let number = Int(msn), number >= 0 else {
            throw OriginError.badRequest("_HLS_msn=\(msn): expected a media sequence number (a whole number)")
        }
        guard let part else { return BlockingReload(msn: number, part: nil) }
        guard let index = Int(part), index >= 0 else {
            throw OriginError.badRequest("_HLS_part=\(part): expected a part index (a whole number)")
        }
        return BlockingReload(msn: number, part: index)
    }

    /// The draft's 400: a request for a segment beyond the next two after the playlist's last one.
    func isTooFarAhead(of edge: LivePartEdge) -> Bool {
        msn > (edge.lastSegment ?? edge.lastPart.map { $0.segment - 1 } ?? 0) + 2
    }

    /// How long a request may be held before it gets 503: three target durations (the draft's figure).
    static func holdLimit(targetDurationSeconds: Double) -> Duration {
        .milliseconds(Int64((3 * targetDurationSeconds * 1000).rounded()))
    }
}
