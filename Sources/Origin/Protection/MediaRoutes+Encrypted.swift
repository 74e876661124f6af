import Hummingbird
import MediaCore
import Protection
import Storage

extension MediaRoutes {
    /// A segment or init of an encrypted item. A live segment's key period comes from the key schedule
    /// (rotation); an init's from `?keyperiod=` (the DASH Period of that key names it), which must be a
    /// period the stream's segments use; VOD items use period 0. The init a segment decodes with is read
    /// through the store (its tracks say how to cut the samples) when the encrypted bytes are not cached.
    func encryptedSegment(_ object: StoredObject, protection: ProtectionService, tree: MediaTree, owner: SafeName, rendition: SafeName,
                          fileName: String, contentType: String, request: Request) async throws -> Response {
        let number = SegmentFileName.segmentNumber(fileName)
        var period = 0
        var initName = SegmentFileName.initSegment
        let requestedPeriod = request.uri.queryParameters.get("keyperiod")
        if tree == .live, number != nil || requestedPeriod != nil, let listing = try await index.listing(tree: tree, owner: owner) {
            let schedule = KeySchedule.periods(listing, rotation: KeyRotation(periodSeconds: protection.settings.rotationSeconds))
            if let number, let index = listing.renditions.first(where: { $0.rendition.id == rendition }),
               let segment = index.segments.first(where: { $0.number == number }) {
                period = schedule[number] ?? 0
                initName = SegmentFileName.initFileName(segment.initNumber)
            } else if number == nil, let requestedPeriod {
                guard let wanted = Int(requestedPeriod), Set(schedule.values).contains(wanted) else {
                    throw OriginError.notFound("key period '\(requestedPeriod)' of live stream '\(owner)'")
                }
                period = wanted
            }
        } else if let requestedPeriod, requestedPeriod != "0" {
            throw OriginError.notFound("key period '\(requestedPeriod)': '\(owner)' has one key")
        }
        let initKey = MediaObjectKey(tree: tree, owner: owner, rendition: rendition, fileName: initName)
        let store = store
        return try await EncryptedSegmentResponder(protection: protection)
            .respond(object: object, initName: initName, loadInit: { try store.objectData(initKey).map { [UInt8]($0) } },
                     tree: tree, owner: owner, rendition: rendition, fileName: fileName,
                     segmentNumber: number, period: period, contentType: contentType, request: request)
    }
}
