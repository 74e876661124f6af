import Foundation
import MediaCore

extension DataDirectory {
    /// The file behind `/vod|live/<owner>/<rendition>/<fileName>`, or nil (serve 404) when the name is not
    /// `init.mp4` / `init-<n>.mp4` / `seg-<n>.m4s` or the file is absent. Owner and rendition are `SafeName`s and every
    /// level is checked with lstat to be a real folder or regular file, so no path ever leaves vod/ or
    /// live/, not even through a symbolic link.
    public func resolveSegmentFile(kind: MediaTree, owner: SafeName, rendition: SafeName, fileName: String) -> URL? {
        guard SegmentFileName.isValid(fileName) else { return nil }
        let base = kind == .vod ? vodRoot : liveRoot
        let ownerDir = base.appendingPathComponent(owner.rawValue, isDirectory: true)
        let renditionDir = ownerDir.appendingPathComponent(rendition.rawValue, isDirectory: true)
        let file = renditionDir.appendingPathComponent(fileName, isDirectory: false)
        guard FileSystem.kind(ownerDir.path) == .directory,
              FileSystem.kind(renditionDir.path) == .directory,
              FileSystem.kind(file.path) == .regular else { return nil }
        return file
    }

    public func openObject(_ key: MediaObjectKey) -> StoredObject? {
        resolve(key).flatMap { LocalFile(path: $0.path) }.map(StoredObject.localFile)
    }

    public func objectData(_ key: MediaObjectKey) throws -> Data? {
        guard let url = resolve(key) else { return nil }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw StorageError.io(operation: "read", path: url.path, reason: Self.reason(error))
        }
    }

    public func openVersion(of asset: AssetID) -> (any StoredAssetVersion)? {
        openAssets.version(of: asset)
    }

    public func renditions(of asset: AssetID) throws -> [SafeName] {
        let folder = vodDirectory(asset)
        return try entries(of: folder).compactMap(SafeName.init).filter {
            resolveSegmentFile(kind: .vod, owner: asset.name, rendition: $0, fileName: SegmentFileName.initSegment) != nil
        }
    }

    public func segmentNumbers(of asset: AssetID, rendition: SafeName) throws -> [Int] {
        let folder = vodDirectory(asset).appendingPathComponent(rendition.rawValue, isDirectory: true)
        return try entries(of: folder).compactMap(SegmentFileName.segmentNumber).sorted()
    }

    /// A hard link (no bytes copied; the source file is never rewritten), a copy where links are
    /// impossible (another file system).
    public func copyObject(_ source: MediaObjectKey, toStaging staging: URL, rendition: SafeName, fileName: String) throws -> Bool {
        guard SegmentFileName.isValid(fileName) else { throw StorageError.invalidFileName(fileName) }
        let folder = try checkedStagingFolder(staging).appendingPathComponent(rendition.rawValue, isDirectory: true)
        guard let from = resolve(source) else { return false }
        let target = folder.appendingPathComponent(fileName)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if FileSystem.link(from.path, target.path) { return true }
            try FileManager.default.copyItem(at: from, to: target)
        } catch {
            throw StorageError.io(operation: "copy \(from.path) to", path: target.path, reason: Self.reason(error))
        }
        return true
    }

    private func resolve(_ key: MediaObjectKey) -> URL? {
        resolveSegmentFile(kind: key.tree, owner: key.owner, rendition: key.rendition, fileName: key.fileName)
    }

    private func entries(of folder: URL) throws -> [String] {
        guard FileSystem.kind(folder.path) == .directory else {
            throw StorageError.io(operation: "list", path: folder.path, reason: "no such folder")
        }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw StorageError.io(operation: "list", path: folder.path, reason: Self.reason(error))
        }
    }

    /// Writes one live file (`init-<n>.mp4` or `seg-<n>.m4s`) so that readers never see it half-written:
    /// data goes to a hidden temporary name in the same folder, is fsync'ed, then renamed into place.
    @discardableResult
    public func writeLiveFile(_ data: Data, stream: SafeName, rendition: SafeName, fileName: String) throws -> URL {
        guard SegmentFileName.isValid(fileName) else { throw StorageError.invalidFileName(fileName) }
        let folder = liveDirectory(stream).appendingPathComponent(rendition.rawValue, isDirectory: true)
        let target = folder.appendingPathComponent(fileName)
        let temporary = folder.appendingPathComponent(".tmp-\(UUID().uuidString)-\(fileName)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temporary)
        } catch {
            throw StorageError.io(operation: "write", path: temporary.path, reason: Self.reason(error))
        }
        try FileSystem.fsync(temporary.path)
        try FileSystem.rename(temporary.path, target.path)
        return target
    }

    /// Deletes one live file that left the DVR window; false when it was already gone.
    @discardableResult
    public func removeLiveFile(stream: SafeName, rendition: SafeName, fileName: String) throws -> Bool {
        guard SegmentFileName.isValid(fileName) else { throw StorageError.invalidFileName(fileName) }
        let file = liveDirectory(stream).appendingPathComponent(rendition.rawValue).appendingPathComponent(fileName)
        guard FileSystem.kind(file.path) == .regular else { return false }
        do {
            try FileManager.default.removeItem(at: file)
        } catch {
            throw StorageError.io(operation: "remove", path: file.path, reason: Self.reason(error))
        }
        return true
    }
}
