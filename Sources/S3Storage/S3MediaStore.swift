import Foundation
import MediaCore
import NIOCore
import S3
import Storage

/// The storage seam on an S3-compatible bucket (`storage.url: s3://BUCKET/PREFIX`), for many nodes sharing
/// one store. Objects under the prefix:
///
///     vod/<asset>/current                          the pointer: version number and folder (`AssetPointer`)
///     vod/<asset>/<folder>/<rendition>/<file>      one published version's files (never rewritten)
///     live/<stream>/<rendition>/init-<n>.mp4, seg-<n>.m4s, live/<stream>/.index.jsonl, .last-segment-number
///
/// Staging and uploads stay on local disk (`work`, a `DataDirectory`): a job builds its asset locally and
/// `publish` uploads it, then writes the pointer, the one step that makes it visible. Reads of media go
/// through `ObjectCache` and reach the origin as local files.
public final class S3MediaStore: MediaStore {
    /// Writes (publishing, live segments, deletes): patient, with the full retry policy.
    public let client: S3Client
    /// Reads on a viewer's behalf (pointers, cache misses, live journals): short timeouts and few retries,
    /// so a request fails within seconds when the store is down instead of waiting out minutes.
    public let reader: S3Client
    public let prefix: String
    public let cache: ObjectCache
    /// Local staging and uploads.
    public let work: DataDirectory
    /// Set by a read the store did not answer; reads fail at once while it holds (fast 503s).
    public let outages: StoreOutage
    let pointers: PointerCache

    /// `prefix` without leading or trailing slashes ("" for the bucket's root). `reader` defaults to
    /// `client`. A pointer read is fresh for `pointerRefreshAfter` and served while one background read
    /// refreshes it up to `pointerMaxStale` (the VOD entry manifest's max-age); see `PointerCache`.
    public init(client: S3Client, prefix: String, cache: ObjectCache, work: DataDirectory, reader: S3Client? = nil,
                pointerRefreshAfter: Duration = .seconds(1), pointerMaxStale: Duration = .seconds(60),
                outages: StoreOutage = StoreOutage()) {
        self.client = client
        self.reader = reader ?? client
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
        self.cache = cache
        self.work = work
        self.outages = outages
        pointers = PointerCache(refreshAfter: pointerRefreshAfter, maxStale: pointerMaxStale)
    }

    /// Why reads fail now (the store did not answer a moment ago); nil while it answers.
    public var outage: String? { outages.current.map { "object store unavailable: \($0)" } }

    /// A cache miss downloads from the bucket.
    public var readsWaitOnNetwork: Bool { true }

    func key(_ rest: String) -> String { prefix.isEmpty ? rest : prefix + "/" + rest }
    func assetKey(_ asset: AssetID, _ rest: String) -> String { key("vod/\(asset.rawValue)/\(rest)") }
    func pointerKey(_ asset: AssetID) -> String { assetKey(asset, "current") }

    static func storageError(_ error: Error, operation: String, key: String) -> StorageError {
        if let storage = error as? StorageError { return storage }
        return StorageError.io(operation: operation, path: key, reason: (error as? S3Error)?.description ?? "\(error)")
    }

    func run<T: Sendable>(_ operation: String, _ key: String, _ work: @escaping @Sendable () async throws -> T) throws -> T {
        do { return try blocking(work) } catch { throw Self.storageError(error, operation: operation, key: key) }
    }

    /// A read on a viewer's behalf through `reader`: refused at once during an outage, and an unreachable
    /// store starts one.
    func read<T: Sendable>(_ operation: String, _ key: String, _ work: @escaping @Sendable (S3Client) async throws -> T) throws -> T {
        if let reason = outages.current {
            throw StorageError.io(operation: operation, path: key, reason: "object store unavailable: \(reason)")
        }
        let reader = reader
        do {
            let result = try blocking { try await work(reader) }
            outages.succeeded()
            return result
        } catch {
            if case S3Error.unavailable = error { outages.failed((error as? S3Error)?.description ?? "\(error)") }
            throw Self.storageError(error, operation: operation, key: key)
        }
    }

    // MARK: Staging and publishing

    public func newStaging(job: String) throws -> URL { try work.newStaging(job: job) }
    public func discardStaging(_ folder: URL) { work.discardStaging(folder) }
    public func cleanStaging() throws -> Int { try work.cleanStaging() }
    public func stampVersion(_ version: Int, staging: URL) throws { try work.stampVersion(version, staging: staging) }
    public func availableBytes() throws -> Int64 { try work.availableBytes() }

    /// Uploads every staged file under a fresh folder, then writes the pointer. A failed upload deletes what
    /// it uploaded; a replaced version's objects are deleted after the pointer moved.
    public func publish(staging: URL, asset: AssetID, replace: Bool) throws {
        let source = try work.checkedStagingFolder(staging)
        try work.validateStagedAsset(source)
        let stampFile = source.appendingPathComponent(DataDirectory.versionFileName)
        guard let stampData = try? Data(contentsOf: stampFile), let version = DataDirectory.parseVersionStamp(stampData) else {
            throw StorageError.invalidStagedAsset(path: source.path, reason: "it has no version stamp (stampVersion first)")
        }
        let old = try pointer(asset, fresh: true)
        if old != nil, !replace { throw StorageError.assetExists(asset) }
        let folder = UUID().uuidString.lowercased()
        let files = try stagedFiles(source)
        let uploads = files.map { (file: source.appendingPathComponent($0), key: assetKey(asset, "\(folder)/\($0)")) }
        let client = client
        // Written first and deleted last: a crash anywhere between leaves this marker, and
        // `sweepUnfinishedPublishes` removes the folder it names (or the replaced one) later.
        let marker = PublishMarker(asset: asset, folder: folder, replacedFolder: old?.folder)
        let markerKey = key(marker.key)
        try run("write", markerKey) { try await client.put(ByteBuffer(string: marker.text), key: markerKey, contentType: "text/plain") }
        do {
            try run("upload", assetKey(asset, folder)) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var pending = uploads[...]
                    // Four uploads at a time: enough to fill a link, few enough for a small store.
                    for _ in 0..<4 {
                        guard let next = pending.popFirst() else { break }
                        group.addTask { try await client.upload(file: next.file, key: next.key) }
                    }
                    while try await group.next() != nil {
                        if let next = pending.popFirst() {
                            group.addTask { try await client.upload(file: next.file, key: next.key) }
                        }
                    }
                }
            }
            try writePointer(AssetPointer(version: version, folder: folder), asset: asset)
        } catch {
            let keys = uploads.map(\.key)
            if (try? run("delete", assetKey(asset, folder), { try await client.delete(keys: keys) })) != nil {
                _ = try? run("delete", markerKey) { try await client.delete(key: markerKey) }
            }
            throw error
        }
        work.discardStaging(source)
        if let old, (try? deleteFolder(asset: asset, folder: old.folder)) == nil { return }
        _ = try? run("delete", markerKey) { try await client.delete(key: markerKey) }
    }

    /// `<rendition>/<file>` of every staged media file and the posters (the version stamp is the pointer's business).
    private func stagedFiles(_ folder: URL) throws -> [String] {
        let manager = FileManager.default
        var files: [String] = []
        for rendition in (try? manager.contentsOfDirectory(atPath: folder.path).sorted()) ?? [] {
            let directory = folder.appendingPathComponent(rendition)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) else { continue }
            guard isDirectory.boolValue else {
                // Pictures beside the renditions (poster.jpg, thumbnail.jpg); the stamp is the pointer's.
                if PosterImage.allCases.contains(where: { $0.fileName == rendition }) { files.append(rendition) }
                continue
            }
            for file in try manager.contentsOfDirectory(atPath: directory.path).sorted() {
                files.append("\(rendition)/\(file)")
            }
        }
        return files
    }

    func deleteFolder(asset: AssetID, folder: String) throws {
        let prefix = assetKey(asset, folder + "/")
        let client = client
        let cache = cache
        try run("delete", prefix) {
            let keys = try await client.list(prefix: prefix).map(\.key)
            try await client.delete(keys: keys)
            for key in keys { cache.remove(key) }
        }
    }

    public func restampVersion(_ version: Int, asset: AssetID) throws {
        guard version >= 1 else { throw StorageError.invalidVersion(version) }
        guard var pointer = try pointer(asset, fresh: true) else {
            throw StorageError.io(operation: "stamp version of", path: pointerKey(asset), reason: "no such asset")
        }
        pointer.version = version
        try writePointer(pointer, asset: asset)
    }

    /// Deletes the pointer first (gone for readers at once), then every object of the asset.
    @discardableResult
    public func removeAsset(_ asset: AssetID) throws -> Bool {
        let pointerKey = pointerKey(asset)
        let all = assetKey(asset, "")
        let client = client
        let cache = cache
        defer { pointers.forget(asset) }
        return try run("remove", all) {
            guard try await client.head(key: pointerKey) != nil else { return false }
            try await client.delete(key: pointerKey)
            let keys = try await client.list(prefix: all).map(\.key)
            try await client.delete(keys: keys)
            for key in keys { cache.remove(key) }
            return true
        }
    }

    // MARK: Reading published media

    /// An object through the cache (live segments and inits: their names are never reused).
    public func openObject(_ key: MediaObjectKey) -> StoredObject? {
        guard SegmentFileName.isValid(key.fileName) else { return nil }
        let name: String
        switch key.tree {
        case .live: name = self.key("live/\(key.owner.rawValue)/\(key.rendition.rawValue)/\(key.fileName)")
        case .vod:
            let asset = AssetID(key.owner)
            guard let pointer = try? pointer(asset) else { return nil }
            name = assetKey(asset, "\(pointer.folder)/\(key.rendition.rawValue)/\(key.fileName)")
        }
        return (try? cachedFile(name)).flatMap { $0 }.map(StoredObject.localFile)
    }

    /// The cached local file of an immutable object, fetched on a miss; nil when the object is absent.
    func cachedFile(_ key: String) throws -> LocalFile? {
        if let file = cache.open(key) { return file }
        return try cache.fill(key) { temporary in
            try read("download", key) { try await $0.download(key: key, to: temporary) }
        }
    }

    public func objectData(_ key: MediaObjectKey) throws -> Data? {
        guard SegmentFileName.isValid(key.fileName) else { return nil }
        guard case .localFile(let file) = openObject(key) ?? nil else { return nil }
        return try readAll(file)
    }

    func readAll(_ file: LocalFile) throws -> Data {
        var data = Data(count: file.size)
        let count = data.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress, file.size, 0) }
        guard count == file.size else { throw StorageError.io(operation: "read", path: "cached object", reason: "short read") }
        return data
    }

    public func renditions(of asset: AssetID) throws -> [SafeName] {
        guard let pointer = try pointer(asset) else { return [] }
        let keys = try listNames(assetKey(asset, pointer.folder + "/"))
        return Set(keys.compactMap { name -> SafeName? in
            let parts = name.split(separator: "/")
            guard parts.count == 2, SegmentFileName.isInitSegment(String(parts[1])) else { return nil }
            return SafeName(String(parts[0]))
        }).sorted { $0.rawValue < $1.rawValue }
    }

    public func segmentNumbers(of asset: AssetID, rendition: SafeName) throws -> [Int] {
        guard let pointer = try pointer(asset) else { return [] }
        return try listNames(assetKey(asset, "\(pointer.folder)/\(rendition.rawValue)/"))
            .compactMap { SegmentFileName.segmentNumber($0) }.sorted()
    }

    /// The keys under `prefix`, relative to it.
    func listNames(_ prefix: String) throws -> [String] {
        let client = client
        return try run("list", prefix) { try await client.list(prefix: prefix) }.map { String($0.key.dropFirst(prefix.count)) }
    }

    // MARK: Copying into staging

    public func copyObject(_ source: MediaObjectKey, toStaging staging: URL, rendition: SafeName, fileName: String) throws -> Bool {
        guard SegmentFileName.isValid(fileName), let data = try objectData(source) else { return false }
        let folder = staging.appendingPathComponent(rendition.rawValue)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: folder.appendingPathComponent(fileName))
        } catch {
            throw StorageError.io(operation: "copy into staging", path: folder.path, reason: "\(error)")
        }
        return true
    }

    // MARK: Uploads

    public func newUpload() throws -> URL { try work.newUpload() }

    /// The local upload's copy and the bucket's (`uploads/<id>/source`) both go.
    public func discardUpload(_ file: URL) {
        work.discardUpload(file)
        guard let upload = UploadName(file) else { return }
        work.discardUpload(upload.localFile(in: work))
        let key = key(upload.key)
        let client = client
        _ = try? run("delete", key) { try await client.delete(key: key) }
    }

    /// Moves the body to `uploads/<id>/source` in the bucket, where a worker on any node finds it; the
    /// local copy goes (nothing is left on a node that only receives uploads).
    public func shareUpload(_ file: URL) throws {
        guard let upload = UploadName(file) else {
            throw StorageError.io(operation: "share upload", path: file.path, reason: "it is not an upload folder's file (uploads/<id>/<file>)")
        }
        let key = key(upload.key)
        let client = client
        try run("upload", key) { try await client.upload(file: file, key: key) }
        work.discardUpload(file)
    }

    /// This node's copy of `uploads/<id>/source`, fetched from the bucket on first use (whole, then
    /// renamed into place). A path that is no upload is a file the job named itself, used as it is.
    public func localUpload(_ file: URL) throws -> URL {
        guard let upload = UploadName(file) else { return file }
        let local = upload.localFile(in: work)
        if FileManager.default.fileExists(atPath: local.path) { return local }
        let key = key(upload.key)
        do {
            try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw StorageError.io(operation: "create upload folder", path: local.deletingLastPathComponent().path, reason: "\(error)")
        }
        let temporary = local.path + ".part"
        let client = client
        let found = try run("fetch upload", key) { try await client.download(key: key, to: temporary) != nil }
        guard found else {
            throw StorageError.io(operation: "fetch upload", path: "s3://\(client.endpoint.bucket)/\(key)", reason: "the upload is not in the bucket")
        }
        guard rename(temporary, local.path) == 0 else {
            throw StorageError.io(operation: "rename upload", path: local.path, reason: String(cString: strerror(errno)))
        }
        return local
    }
}

/// An upload's file named by its folder id (`uploads/<id>/<file>`), the same on every node: the id is
/// a UUID the receiving node chose, so it can name the bucket's copy and each worker's local copy.
struct UploadName {
    let id: String
    let file: String

    init?(_ url: URL) {
        let file = url.lastPathComponent
        let id = url.deletingLastPathComponent().lastPathComponent
        guard url.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent == "uploads",
              AssetPointer.isFolderName(id), AssetPointer.isFolderName(file) else { return nil }
        self.id = id
        self.file = file
    }

    var key: String { "uploads/\(id)/\(file)" }

    func localFile(in work: DataDirectory) -> URL {
        work.uploadsRoot.appendingPathComponent(id, isDirectory: true).appendingPathComponent(file)
    }
}
