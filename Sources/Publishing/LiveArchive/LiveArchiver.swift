import Catalog
import Foundation
import LiveSegmenting
import MediaCore
import Storage

/// Live-to-VOD without re-encoding: the chosen segments of a stream's DVR files are copied into staging
/// through the store (hard links on the local directory), renumbered 1...n per rendition, then published
/// like any ingest through `AssetPublisher`.
///
/// Links are safe because a live segment file is never rewritten (a segment name never returns with
/// other bytes, so a CDN never caches two contents under one URL); when the DVR ring deletes its name, the asset's link keeps the bytes.
public struct LiveArchiver: Sendable {
    let catalog: any CatalogStore
    let store: any MediaStore
    let streams: LiveStreams

    public init(catalog: any CatalogStore, store: any MediaStore, streams: LiveStreams) {
        self.catalog = catalog
        self.store = store
        self.streams = streams
    }

    public func archive(_ stream: SafeName, _ request: LiveArchiveRequest, now: Date = Date()) throws -> AssetRecord {
        guard try catalog.liveStream(id: stream) != nil else { throw PublishingError.notFound("live stream '\(stream)'") }
        let plan: LiveArchivePlan
        switch LiveArchivePlan.make(streams.indexes(for: stream), start: request.start, end: request.end) {
        case .success(let made): plan = made
        case .failure(let refusal): throw PublishingError.refused("cannot archive live stream '\(stream)': \(refusal.reason)")
        }
        let asset = request.assetID ?? Self.defaultID(stream, now: now)
        let publisher = AssetPublisher(store: store, catalog: catalog)
        if try publisher.isTaken(asset) {
            throw PublishingError.assetExists(asset, hint: "pass another asset_id or delete it first")
        }
        let record = AssetRecord(id: asset, title: request.title ?? "Live stream \(stream)", duration: plan.durationSeconds)
        return try publisher.publish(asset: asset, job: "archive-\(asset)", replace: false) { staging in
            for rendition in plan.renditions {
                try stage(rendition, of: stream, into: staging)
            }
            return .init(record: record, renditions: plan.renditions.map(\.index))
        }
    }

    private func stage(_ rendition: LiveArchivePlan.Rendition, of stream: SafeName, into staging: URL) throws {
        let id = rendition.index.rendition.id
        func copy(_ source: String, as name: String) throws {
            let key = MediaObjectKey(tree: .live, owner: stream, rendition: id, fileName: source)
            guard try store.copyObject(key, toStaging: staging, rendition: id, fileName: name) else {
                // The DVR ring removed it between listing and copying: the range is no longer complete.
                throw PublishingError.sourceChanged("'\(source)' of the stream left the DVR window while archiving: try a later start")
            }
        }
        try copy(rendition.sourceInit, as: SegmentFileName.initSegment)
        for (position, number) in rendition.sourceNumbers.enumerated() {
            try copy(SegmentFileName.segment(number), as: SegmentFileName.segment(position + 1))
        }
    }

    /// `<stream>-<UTC yyyyMMdd-HHmmss>`: readable and distinct for archives taken a second apart.
    static func defaultID(_ stream: SafeName, now: Date) -> AssetID {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let suffix = "-" + formatter.string(from: now)
        return AssetID(String(stream.rawValue.prefix(SafeName.maxLength - suffix.count)) + suffix)!
    }
}
