import Foundation
import MediaCore

/// Which tree of the data directory a segment belongs to.
public enum StorageKind: String, Sendable, Hashable, CaseIterable {
    /// `vod/<asset>/...`: published assets, immutable until replaced.
    case vod
    /// `live/<stream>/...`: the DVR ring of a live stream.
    case live
}

/// The storage seam: what ingest, live and the origin need from wherever segments live. The local
/// data directory (`DataDirectory`) is the default; an S3-compatible backend can implement the same
/// protocol (staging stays local, `publish` uploads, reads become GETs) without touching Packaging or
/// Origin.
public protocol MediaStore: Sendable {
    /// A fresh, empty local folder for one job's work in progress.
    func newStaging(job: String) throws -> URL
    /// Makes a staged folder (one sub-folder per rendition) the asset's published files, all at once.
    func publish(staging: URL, asset: AssetID, replace: Bool) throws
    /// Removes a published asset; false when it did not exist.
    @discardableResult func removeAsset(_ asset: AssetID) throws -> Bool
    func assetExists(_ asset: AssetID) -> Bool
    /// Deletes all work in progress (start-up after a crash); returns how many entries were removed.
    func cleanStaging() throws -> Int
    /// Bytes available to this process where staging and published files are written.
    func availableBytes() throws -> Int64
    /// The bytes of `init.mp4`, `init-<n>.mp4` or `seg-<n>.m4s`, nil when the name is not one of those or the file is absent.
    func segmentData(kind: StorageKind, owner: SafeName, rendition: SafeName, fileName: String) throws -> Data?
}
