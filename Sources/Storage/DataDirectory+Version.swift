import Foundation
import MediaCore

/// The version stamp of a published asset: `vod/<asset>/version`, one decimal number and a newline.
///
/// The origin puts an asset's version in its segment URLs (`/vod/<asset>/v<n>/...`) so a CDN never keeps an
/// old segment under a replaced asset's name. The number has to travel with the bytes: a replace renames
/// the new files into place before the catalog's version goes up, and a reader that took the version from
/// the catalog in between would serve new bytes under the old version's URL. So the ingest writes the
/// version it is about to publish into the staged folder; the one rename that publishes the files
/// publishes their version with them, and the origin serves `v<n>` only from a folder stamped `n`.
extension DataDirectory {
    /// The stamp's file name inside an asset folder. Not a rendition id shape the origin serves
    /// (`version` has no `init.mp4` beside it and is a file, not a folder), so it is never sent.
    public static let versionFileName = "version"

    /// Writes the version a staged asset will be published as (before `publish`).
    public func stampVersion(_ version: Int, staging: URL) throws {
        guard version >= 1 else { throw StorageError.invalidVersion(version) }
        let file = staging.appendingPathComponent(Self.versionFileName)
        do {
            try Data("\(version)\n".utf8).write(to: file)
        } catch {
            throw StorageError.io(operation: "write", path: file.path, reason: Self.reason(error))
        }
    }

    /// Rewrites a published asset's stamp (temporary file, fsync, rename): when the catalog settled on
    /// another number than the one stamped (two replaces raced), or `reindex` gave the files a new one.
    public func restampVersion(_ version: Int, asset: AssetID) throws {
        guard version >= 1 else { throw StorageError.invalidVersion(version) }
        let folder = vodDirectory(asset)
        guard FileSystem.kind(folder.path) == .directory else {
            throw StorageError.io(operation: "stamp version of", path: folder.path, reason: "no such asset folder")
        }
        let temporary = folder.appendingPathComponent(".tmp-\(UUID().uuidString)-\(Self.versionFileName)")
        do {
            try Data("\(version)\n".utf8).write(to: temporary)
        } catch {
            throw StorageError.io(operation: "write", path: temporary.path, reason: Self.reason(error))
        }
        try FileSystem.fsync(temporary.path)
        try FileSystem.rename(temporary.path, folder.appendingPathComponent(Self.versionFileName).path)
        openAssets.forget(asset)
        try FileSystem.fsync(folder.path)
    }

    /// The stamped version of a published asset; nil when it has no stamp (published before stamps
    /// existed) or the stamp is not a canonical number.
    public func publishedVersion(_ asset: AssetID) -> Int? {
        let file = vodDirectory(asset).appendingPathComponent(Self.versionFileName)
        guard FileSystem.kind(file.path) == .regular, let data = try? Data(contentsOf: file) else { return nil }
        return Self.parseVersionStamp(data)
    }

    /// `"3\n"` -> 3. Canonical only: digits without leading zeros, at least 1, at most 9 digits, one
    /// optional trailing newline; anything else is nil (the origin then serves no version at all).
    public static func parseVersionStamp<Bytes: Collection>(_ bytes: Bytes) -> Int? where Bytes.Element == UInt8 {
        var digits = Array(bytes)
        if digits.last == UInt8(ascii: "\n") { digits.removeLast() }
        guard (1...9).contains(digits.count), digits.first != UInt8(ascii: "0"),
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}
