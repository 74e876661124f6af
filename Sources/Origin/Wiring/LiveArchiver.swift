import Catalog
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LiveSegmenting
import MediaCore
import Storage

/// Live-to-VOD without re-encoding: the chosen segments of a stream's DVR files are hard-linked (copied
/// where links are impossible, e.g. another file system) into `staging/`, renumbered 1...n per rendition,
/// then published like any ingest: one rename into `vod/<asset>/`, then the catalog entry.
///
/// Links are safe because a live segment file is never rewritten (DESIGN.md: names never repeat with
/// other content); when the DVR ring deletes its name, the asset's link keeps the bytes.
struct LiveArchiver {
    let catalog: any CatalogStore
    let data: DataDirectory
    let streams: LiveStreams

    func archive(_ stream: SafeName, _ request: LiveArchiveRequest) throws -> AssetRecord {
        guard try catalog.liveStream(id: stream) != nil else { throw OriginError.notFound("live stream '\(stream)'") }
        let plan: LiveArchivePlan
        switch LiveArchivePlan.make(streams.indexes(for: stream), start: request.start, end: request.end) {
        case .success(let made): plan = made
        case .failure(let refusal): throw OriginError.badRequest("cannot archive live stream '\(stream)': \(refusal.reason)")
        }
        let asset = request.assetID ?? Self.defaultID(stream)
        if try catalog.asset(asset) != nil || data.assetExists(asset) {
            throw OriginError.conflict("asset '\(asset)' already exists: pass another asset_id or delete it first")
        }
        let staging = try data.newStaging(job: "archive-\(asset)")
        do {
            for rendition in plan.renditions {
                try stage(rendition, of: stream, into: staging)
            }
            try data.stampVersion(try catalog.nextVersion(of: asset), staging: staging)  // origin URLs name it
            try data.publish(staging: staging, asset: asset, replace: false)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        let record = AssetRecord(id: asset, title: request.title ?? "Live stream \(stream)", duration: plan.durationSeconds)
        do {
            return try catalog.publishAsset(record, renditions: plan.renditions.map(\.index), replace: false)
        } catch {
            _ = try? data.removeAsset(asset)
            throw error
        }
    }

    private func stage(_ rendition: LiveArchivePlan.Rendition, of stream: SafeName, into staging: URL) throws {
        let id = rendition.index.rendition.id
        let source = data.liveDirectory(stream).appendingPathComponent(id.rawValue, isDirectory: true)
        let target = staging.appendingPathComponent(id.rawValue, isDirectory: true)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try link(source.appendingPathComponent(rendition.sourceInit), target.appendingPathComponent(SegmentFileName.initSegment))
        for (position, number) in rendition.sourceNumbers.enumerated() {
            try link(source.appendingPathComponent(SegmentFileName.segment(number)),
                     target.appendingPathComponent(SegmentFileName.segment(position + 1)))
        }
    }

    private func link(_ source: URL, _ target: URL) throws {
        guard FileManager.default.fileExists(atPath: source.path) else {
            // The DVR ring removed it between listing and linking: the range is no longer complete.
            throw OriginError.conflict("'\(source.lastPathComponent)' of the stream left the DVR window while archiving: try a later start")
        }
        if systemLink(source.path, target.path) == 0 { return }
        try FileManager.default.copyItem(at: source, to: target)
    }

    private func systemLink(_ source: String, _ target: String) -> Int32 {
        #if canImport(Glibc)
        Glibc.link(source, target)
        #else
        Darwin.link(source, target)
        #endif
    }

    /// `<stream>-<UTC yyyyMMdd-HHmmss>`: readable and distinct for archives taken a second apart.
    static func defaultID(_ stream: SafeName, now: Date = Date()) -> AssetID {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let suffix = "-" + formatter.string(from: now)
        return AssetID(String(stream.rawValue.prefix(64 - suffix.count)) + suffix)!
    }
}
