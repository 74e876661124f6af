import Access

/// What a connection's last segment query was found to hold: its access parameters, and whether it names
/// only parameters the origin reads (`FastManifestRequest.namesOnlyKnownParameters`). A player fetches
/// hundreds of segments over one connection with the same signed query, and a kept segment head is keyed
/// by path without it, so every signed segment hit read the same query twice (the scan, then
/// `AccessParameters(rawQuery:)` with its strings): the largest signed-only cost of the smallest segment
/// (docs/perf-notes.md, session 9). Here a repeat costs one comparison of the bytes.
///
/// One entry per connection (`FastPathFront` holds it; its event loop alone touches it, so no lock), so
/// it is bounded and a CDN connection that mixes viewers' tokens only re-reads. It holds what the query
/// says, not whether it is valid: it knows no key, and the access decision (signature through the
/// signer's memo, expiry against now, the client's address, the rendition's height) is still made for
/// every request from these parameters.
struct SegmentQueryMemo {
    private var query: Substring?
    private var parameters = AccessParameters.none
    private var onlyKnown = true

    /// `query` (as sent, without `?`) read, or the last one's reading when it is the same bytes.
    mutating func read(_ query: Substring) -> (parameters: AccessParameters, onlyKnown: Bool) {
        if let last = self.query, Self.sameBytes(last, query) { return (parameters, onlyKnown) }
        onlyKnown = FastManifestRequest.namesOnlyKnownParameters(query)
        parameters = onlyKnown ? AccessParameters(rawQuery: query) : .none
        // Keeps the target it was cut from (at most `FastManifestRequest.maxTargetBytes`) until the next one.
        self.query = query
        return (parameters, onlyKnown)
    }

    /// Byte equality (String's `==` compares by Unicode canonical equivalence, and aligned the slices'
    /// bounds to scalars first on every signed segment: `scalarAlignSlow` in its profile).
    private static func sameBytes(_ lhs: Substring, _ rhs: Substring) -> Bool {
        let same = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in left.count == right.count && left.elementsEqual(right) }
        }
        return (same ?? nil) ?? lhs.utf8.elementsEqual(rhs.utf8)
    }
}
