import Foundation
import MediaCore

extension DataDirectory {
    /// Publishes a staged asset: `staging/<job>/` (one sub-folder per rendition, each with `init.mp4`)
    /// becomes `vod/<asset>/` in one rename, after every file and folder in it is fsync'ed, so a reader
    /// sees either the old asset or the complete new one and a crash leaves only staging/ behind.
    ///
    /// Without `replace`, an existing asset is `StorageError.assetExists` and stays untouched. With
    /// `replace`, Linux's renameat2(RENAME_EXCHANGE) swaps old and new in one step (no moment without the
    /// asset); where that is unavailable the old folder is renamed aside into staging/ first. Either way
    /// the old files are deleted after the swap (cleanStaging finishes the job after a crash).
    public func publish(staging: URL, asset: AssetID, replace: Bool) throws {
        let source = try checkedStagingFolder(staging)
        try validateStagedAsset(source)
        try syncTree(source)
        let target = vodDirectory(asset).path
        let replaced = try move(source.path, to: target, asset: asset, replace: replace)
        openAssets.forget(asset)
        try FileSystem.fsync(vodRoot.path)
        try FileSystem.fsync(stagingRoot.path)
        if let replaced { try? FileManager.default.removeItem(atPath: replaced) }
    }

    /// Removes a published asset: renamed out of vod/ first (gone for readers at once), then deleted.
    @discardableResult
    public func removeAsset(_ asset: AssetID) throws -> Bool {
        let path = vodDirectory(asset).path
        guard FileSystem.kind(path) == .directory else { return false }
        let aside = stagingRoot.appendingPathComponent(".removed-\(asset)-\(UUID().uuidString)").path
        try FileSystem.rename(path, aside)
        openAssets.forget(asset)
        try FileSystem.fsync(vodRoot.path)
        do {
            try FileManager.default.removeItem(atPath: aside)
        } catch {
            throw StorageError.io(operation: "remove", path: aside, reason: Self.reason(error))
        }
        return true
    }

    /// Moves `source` to `target`; returns the path now holding the replaced asset, if any.
    private func move(_ source: String, to target: String, asset: AssetID, replace: Bool) throws -> String? {
        switch try FileSystem.rename(source, target, mode: .noReplace) {
        case .done:
            return nil
        case .targetExists:
            guard replace else { throw StorageError.assetExists(asset) }
            if try FileSystem.rename(source, target, mode: .exchange) == .done { return source }
            return try moveAside(source, to: target, asset: asset)
        case .unsupported:
            if FileSystem.kind(target) == .missing {
                try FileSystem.rename(source, target)
                return nil
            }
            guard replace else { throw StorageError.assetExists(asset) }
            return try moveAside(source, to: target, asset: asset)
        }
    }

    /// The portable replace: old asset renamed into staging/, new one renamed in; on failure the old one
    /// is put back.
    private func moveAside(_ source: String, to target: String, asset: AssetID) throws -> String {
        let aside = stagingRoot.appendingPathComponent(".replaced-\(asset)-\(UUID().uuidString)").path
        try FileSystem.rename(target, aside)
        do {
            try FileSystem.rename(source, target)
        } catch {
            try? FileSystem.rename(aside, target)
            throw error
        }
        return aside
    }

    /// The staged folder as a path directly inside staging/, or `notInStaging`.
    func checkedStagingFolder(_ url: URL) throws -> URL {
        let folder = url.standardizedFileURL
        guard folder.deletingLastPathComponent().path == stagingRoot.path,
              FileSystem.kind(folder.path) == .directory else {
            throw StorageError.notInStaging(path: url.path, staging: stagingRoot.path)
        }
        return folder
    }

    /// One or more rendition folders named like rendition ids, each holding a regular `init.mp4`; no
    /// symbolic links or special files anywhere (a link could point outside the data directory).
    func validateStagedAsset(_ folder: URL) throws {
        let entries = try contents(of: folder)
        var renditions = 0
        for entry in entries {
            let path = folder.appendingPathComponent(entry).path
            switch FileSystem.kind(path) {
            case .regular:
                continue
            case .directory:
                guard SafeName(entry) != nil else {
                    throw StorageError.invalidStagedAsset(path: folder.path, reason: "folder '\(entry)' is not a valid rendition id")
                }
                try validateRendition(URL(fileURLWithPath: path), name: entry, asset: folder)
                renditions += 1
            default:
                throw StorageError.invalidStagedAsset(path: folder.path, reason: "'\(entry)' is a link or special file")
            }
        }
        if renditions == 0 {
            throw StorageError.invalidStagedAsset(path: folder.path, reason: "it holds no rendition folder")
        }
    }

    private func validateRendition(_ folder: URL, name: String, asset: URL) throws {
        for entry in try contents(of: folder) where FileSystem.kind(folder.appendingPathComponent(entry).path) != .regular {
            throw StorageError.invalidStagedAsset(path: asset.path, reason: "'\(name)/\(entry)' is not a regular file")
        }
        guard FileSystem.kind(folder.appendingPathComponent(SegmentFileName.initSegment).path) == .regular else {
            throw StorageError.invalidStagedAsset(path: asset.path, reason: "rendition '\(name)' has no init.mp4")
        }
    }

    /// fsync every file, then every folder (deepest first), so the published tree is on disk before
    /// the rename that makes it visible.
    private func syncTree(_ folder: URL) throws {
        var directories = [folder.path]
        var index = 0
        while index < directories.count {
            let directory = directories[index]
            index += 1
            for entry in try contents(of: URL(fileURLWithPath: directory)) {
                let path = directory + "/" + entry
                switch FileSystem.kind(path) {
                case .regular: try FileSystem.fsync(path)
                case .directory: directories.append(path)
                default: continue
                }
            }
        }
        for directory in directories.reversed() { try FileSystem.fsync(directory) }
    }

    private func contents(of folder: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw StorageError.io(operation: "list", path: folder.path, reason: Self.reason(error))
        }
    }
}
