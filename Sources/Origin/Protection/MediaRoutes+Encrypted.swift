import Hummingbird
import MediaCore
import Protection
import Storage

extension MediaRoutes {
    /// A segment or init of an encrypted item. Its key period comes from the segment's start in the index
    /// (live rotation); VOD items and inits use period 0.
    func encryptedSegment(_ file: OpenFile, protection: ProtectionService, tree: MediaTree, owner: SafeName, rendition: SafeName,
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
        if tree == .live, SegmentFileName.isInitSegment(fileName), let query = request.uri.queryParameters["period"], let value = Int(query) {
            period = max(0, value)
        }
        var initFile: OpenFile?
        if number != nil {
            if tree == .vod {
                initFile = VODAssetFolder(vodRoot: dataDirectory.vodRoot.path, asset: owner)?.openSegment(rendition: rendition, fileName: initName)
            } else if let path = dataDirectory.resolveSegmentFile(kind: tree, owner: owner, rendition: rendition, fileName: initName)?.path {
                initFile = OpenFile(path: path)
            }
        }
        return try await EncryptedSegmentResponder(protection: protection)
            .respond(file: file, initFile: initFile, tree: tree, owner: owner, rendition: rendition, fileName: fileName,
                     segmentNumber: number, period: period, contentType: contentType, request: request)
    }
}
