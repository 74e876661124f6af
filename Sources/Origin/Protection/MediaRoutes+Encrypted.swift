import Hummingbird
import MediaCore
import Protection
import Storage

extension MediaRoutes {
    /// A segment or init of an encrypted item. Its key period comes from the segment's start in the index
    /// (live rotation); VOD items and inits use period 0. The init a segment decodes with is read through
    /// the store (its tracks say how to cut the samples).
    func encryptedSegment(_ object: StoredObject, protection: ProtectionService, tree: MediaTree, owner: SafeName, rendition: SafeName,
                          fileName: String, contentType: String, request: Request) async throws -> Response {
        let number = SegmentFileName.segmentNumber(fileName)
        var period = 0
        var initName = SegmentFileName.initSegment
        if tree == .live, let number,
           let listing = try await index.listing(tree: tree, owner: owner),
           let index = listing.renditions.first(where: { $0.rendition.id == rendition }),
           let segment = index.segments.first(where: { $0.number == number }) {
            period = KeyRotation(periodSeconds: protection.settings.rotationSeconds)
                .periodIndex(start: segment.start, timescale: Int(index.rendition.timescale))
            initName = SegmentFileName.initFileName(segment.initNumber)
        }
        var initBytes: [UInt8]?
        if number != nil {
            initBytes = try store.objectData(MediaObjectKey(tree: tree, owner: owner, rendition: rendition, fileName: initName)).map { [UInt8]($0) }
        }
        return try await EncryptedSegmentResponder(protection: protection)
            .respond(object: object, initBytes: initBytes, tree: tree, owner: owner, rendition: rendition, fileName: fileName,
                     segmentNumber: number, period: period, contentType: contentType, request: request)
    }
}
