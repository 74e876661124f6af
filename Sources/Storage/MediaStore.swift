import Foundation
import MediaCore

/// Which tree of published media a request or a file belongs to (also the first URL path component).
public enum MediaTree: String, Sendable, Hashable, CaseIterable {
    /// `vod/<asset>/...`: published assets, immutable until replaced.
    case vod
    /// `live/<stream>/...`: the DVR ring of a live stream.
    case live
}

/// One stored media object: `<tree>/<owner>/<rendition>/<fileName>`.
public struct MediaObjectKey: Sendable, Hashable {
    public var tree: MediaTree
    public var owner: SafeName
    public var rendition: SafeName
    public var fileName: String

    public init(tree: MediaTree, owner: SafeName, rendition: SafeName, fileName: String) {
        self.tree = tree
        self.owner = owner
        self.rendition = rendition
        self.fileName = fileName
    }
}

/// A stored object opened for sending. The local directory hands out an open file (the origin sends it
/// with sendfile(2)); a remote store (S3) hands out bytes with the validators the store keeps for them.
public enum StoredObject: Sendable {
    case localFile(LocalFile)
    case bytes(StoredBytes)
}

/// An object's bytes as a remote store returns them, with its strong entity tag and modification time.
public struct StoredBytes: Sendable {
    public var data: Data
    /// A strong entity tag, quoted (`"…"`): the store's own, e.g. S3's ETag.
    public var etag: String
    /// Seconds since 1970.
    public var lastModified: Int?

    public init(data: Data, etag: String, lastModified: Int?) {
        self.data = data
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// What a published asset's files say their version is.
public enum VersionStamp: Sendable, Equatable {
    case version(Int)
    /// Published before stamps existed: the catalog's version stands for it.
    case missing
    /// A stamp that is not a canonical number: no version is served.
    case unreadable
}

/// One published version of an asset, opened once: its stamp and its segments are read from the same
/// version, so a request racing a replace never pairs one version's URL with another version's bytes.
public protocol StoredAssetVersion: Sendable {
    func stamp() -> VersionStamp
    /// `<rendition>/<fileName>` of this version; nil when the name is not a segment file name or absent.
    func openSegment(rendition: SafeName, fileName: String) -> StoredObject?
    /// A picture ingest wrote beside the renditions (`poster.jpg`, `thumbnail.jpg`) of this version; nil when absent.
    func openImage(_ image: PosterImage) -> StoredObject?
}

/// The storage seam: every read and write of published media goes through here (Publishing, the origin,
/// reindex, live archive, uploads). The local data directory (`DataDirectory`) is the one implementation;
/// an S3-compatible store can implement the same protocol (staging stays local, `publish` uploads,
/// `openVersion`/`openObject` return `.bytes`) without touching Packaging or Origin.
///
/// It refines `LiveMediaStore` (live segments, init segments, the index journal), so one store holds both
/// trees and every caller is handed the same value; the live segmenter asks only for the live part.
public protocol MediaStore: LiveMediaStore {
    // MARK: Staging and publishing (VOD writes)

    /// A fresh, empty local folder for one job's work in progress.
    func newStaging(job: String) throws -> URL
    /// Removes a staging folder made by `newStaging` (after a failure); missing is fine.
    func discardStaging(_ folder: URL)
    /// Deletes all work in progress (start-up after a crash); returns how many entries were removed.
    func cleanStaging() throws -> Int
    /// Writes the version a staged asset will be published as (before `publish`).
    func stampVersion(_ version: Int, staging: URL) throws
    /// Makes a staged folder (one sub-folder per rendition) the asset's published files, all at once.
    func publish(staging: URL, asset: AssetID, replace: Bool) throws
    /// Rewrites a published asset's version stamp, atomically.
    func restampVersion(_ version: Int, asset: AssetID) throws
    /// Removes a published asset; false when it did not exist.
    @discardableResult func removeAsset(_ asset: AssetID) throws -> Bool
    /// Bytes available to this process where staging and published files are written.
    func availableBytes() throws -> Int64

    // MARK: Reading published media

    func assetExists(_ asset: AssetID) -> Bool
    /// The stamped version of a published asset; nil without a readable stamp.
    func publishedVersion(_ asset: AssetID) -> Int?
    /// The asset's current published version, opened once (nil when it is not published).
    func openVersion(of asset: AssetID) -> (any StoredAssetVersion)?
    /// The same, when this node has it without waiting on another server (a remote store's pointer from
    /// memory; the version's files only where cached locally, `openSegment` nil otherwise); nil when
    /// finding out would need a remote read. For callers that may not wait (the origin's fast path on
    /// the event loop), which then take the ordinary path. A local store waits on nothing: `openVersion`.
    func openCachedVersion(of asset: AssetID) -> (any StoredAssetVersion)?
    /// The asset's version asked of the store itself when the one this node holds is older than
    /// `atLeast`: the catalog already names a newer version (a replace this node has not read yet), so
    /// a URL of that version finds its files. A local store reads its folder every time: `openVersion`.
    func openVersion(of asset: AssetID, atLeast version: Int) -> (any StoredAssetVersion)?
    /// Whether reads may wait on another server (a remote store's download on a cache miss). The origin
    /// then makes them from threads of its own, so a slow store holds none of Swift's cooperative
    /// threads, which every async handler shares. A local store reads the disk: false.
    var readsWaitOnNetwork: Bool { get }
    /// One object (live segments; VOD ones go through `openVersion`); nil when the name is not a segment
    /// file name or the object is absent.
    func openObject(_ key: MediaObjectKey) -> StoredObject?
    /// The bytes of one object, nil when the name is not a segment file name or the object is absent.
    func objectData(_ key: MediaObjectKey) throws -> Data?
    /// The rendition ids of a published asset that have an init segment, sorted.
    func renditions(of asset: AssetID) throws -> [SafeName]
    /// The media segment numbers `seg-<n>.m4s` of one rendition of a published asset, ascending.
    func segmentNumbers(of asset: AssetID, rendition: SafeName) throws -> [Int]

    // MARK: Copying into staging

    /// Puts the object `source` into a staging folder as `<rendition>/<fileName>` without changing its
    /// bytes: a hard link where the store can (a live segment is never rewritten), else a copy. False
    /// when the source no longer exists.
    func copyObject(_ source: MediaObjectKey, toStaging staging: URL, rendition: SafeName, fileName: String) throws -> Bool

    // MARK: Uploads

    /// A new local file path for an upload's body (`uploads/<id>/source`), kept across restarts so a
    /// queued job finds its source.
    func newUpload() throws -> URL
    /// Removes an upload (its folder) once it is no longer needed or the upload failed.
    func discardUpload(_ file: URL)
    /// Makes a received upload reachable by a worker on any node (a shared store keeps a copy; the
    /// local directory has nothing to do). Called before its job is queued.
    func shareUpload(_ file: URL) throws
    /// The upload's body as a local file on this node (a worker of a shared store fetches it first).
    func localUpload(_ file: URL) throws -> URL

    // MARK: Faults

    /// Why reads of this store fail right now (a remote store that did not answer a moment ago); nil when
    /// it answers. The origin answers 503 with it instead of 404 when an object comes back absent.
    var outage: String? { get }
}

extension MediaStore {
    public func openCachedVersion(of asset: AssetID) -> (any StoredAssetVersion)? { openVersion(of: asset) }

    public func openVersion(of asset: AssetID, atLeast version: Int) -> (any StoredAssetVersion)? { openVersion(of: asset) }

    public var readsWaitOnNetwork: Bool { false }

    /// The bytes of `<tree>/<owner>/<rendition>/<fileName>` (see `objectData`).
    public func segmentData(kind: MediaTree, owner: SafeName, rendition: SafeName, fileName: String) throws -> Data? {
        try objectData(MediaObjectKey(tree: kind, owner: owner, rendition: rendition, fileName: fileName))
    }
}
