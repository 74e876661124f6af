import Foundation
import MediaCore

/// The local data directory:
///
///     <root>/catalog.sqlite
///     <root>/vod/<asset>/<rendition>/init.mp4, seg-<n>.m4s    published assets only
///     <root>/live/<stream>/<rendition>/init.mp4, seg-<n>.m4s  live DVR rings
///     <root>/staging/<job>/...                                work in progress, never served
///
/// staging/ and vod/ are siblings on one file system, so publishing is one rename(2).
public struct DataDirectory: MediaStore, Hashable {
    public let root: URL
    public var vodRoot: URL { root.appendingPathComponent("vod", isDirectory: true) }
    public var liveRoot: URL { root.appendingPathComponent("live", isDirectory: true) }
    public var stagingRoot: URL { root.appendingPathComponent("staging", isDirectory: true) }
    /// Where the catalog database lives (the Catalog module opens it).
    public var catalogFile: URL { root.appendingPathComponent("catalog.sqlite") }
    /// Published asset folders and segment files kept open between requests (`OpenAssetCache`), shared by
    /// every copy of this value.
    let openAssets: OpenAssetCache

    /// Opens (creating if needed) the data directory and checks that it is writable. `openFileLimit` is
    /// how many descriptors the open-file cache of published media may hold (0: none). `watchFolders`
    /// has inotify tell the open-file cache of changes to published folders, so a hot request makes no
    /// lstat (a thread and a descriptor: for the server; `OpenAssetCache`).
    public init(root: URL, openFileLimit: Int = 512, watchFolders: Bool = false) throws {
        try self.init(root: root, openFileLimit: openFileLimit, settleNanoseconds: OpenAssetCache.defaultSettleNanoseconds,
                      watching: watchFolders ? .inotify : .off)
    }

    init(root: URL, openFileLimit: Int, settleNanoseconds: Int64, watching: OpenAssetCache.Watching = .off,
         revalidateNanoseconds: Int64 = OpenAssetCache.defaultRevalidateNanoseconds,
         clock: @escaping @Sendable () -> Int64 = OpenAssetCache.monotonicNow) throws {
        self.root = root.standardizedFileURL
        openAssets = OpenAssetCache(vodRoot: self.root.appendingPathComponent("vod", isDirectory: true).path,
                                    descriptorLimit: openFileLimit, settleNanoseconds: settleNanoseconds,
                                    revalidateNanoseconds: revalidateNanoseconds, watching: watching, clock: clock)
        for directory in [self.root, vodRoot, liveRoot, stagingRoot] {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw StorageError.notWritable(path: directory.path, reason: Self.reason(error))
            }
        }
        try checkWritable()
    }

    /// Creates and writes a small file in staging/. A full disk is told apart from a permission problem:
    /// the fixes are different, and "check its owner" sends a person looking in the wrong place.
    private func checkWritable() throws {
        let probe = stagingRoot.appendingPathComponent(".write-test-\(getpid())-\(UUID().uuidString)")
        let fd = open(probe.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ENOSPC || code == EDQUOT { throw StorageError.diskFull(path: stagingRoot.path) }
            throw StorageError.notWritable(path: stagingRoot.path, reason: "cannot create a file: \(String(cString: strerror(code)))")
        }
        defer { unlink(probe.path) }
        let written = Foundation.write(fd, "ok", 2)  // not the store's own write(_:_:)
        let code = errno
        let closed = close(fd)
        if written != 2 || closed != 0 {
            if code == ENOSPC || code == EDQUOT || errno == ENOSPC { throw StorageError.diskFull(path: stagingRoot.path) }
            throw StorageError.notWritable(path: stagingRoot.path, reason: "cannot write a file: \(String(cString: strerror(code)))")
        }
    }

    public static func == (lhs: DataDirectory, rhs: DataDirectory) -> Bool { lhs.root == rhs.root }

    public func hash(into hasher: inout Hasher) { hasher.combine(root) }

    public func vodDirectory(_ asset: AssetID) -> URL {
        vodRoot.appendingPathComponent(asset.rawValue, isDirectory: true)
    }

    public func liveDirectory(_ stream: SafeName) -> URL {
        liveRoot.appendingPathComponent(stream.rawValue, isDirectory: true)
    }

    public func assetExists(_ asset: AssetID) -> Bool {
        FileSystem.kind(vodDirectory(asset).path) == .directory
    }

    /// Published asset folders (names that are valid asset ids), sorted; for checking against the catalog.
    public func assetIDs() throws -> [AssetID] {
        try FileManager.default.contentsOfDirectory(atPath: vodRoot.path)
            .compactMap(AssetID.init)
            .filter { FileSystem.kind(vodDirectory($0).path) == .directory }
            .sorted()
    }

    // MARK: Staging

    /// A fresh, empty `staging/<job>/` (any leftover of the same job is removed first).
    public func newStaging(job: String) throws -> URL {
        guard Self.isValidJobName(job) else { throw StorageError.invalidJobName(job) }
        let url = stagingRoot.appendingPathComponent(job, isDirectory: true)
        do {
            if FileSystem.kind(url.path) != .missing { try FileManager.default.removeItem(at: url) }
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        } catch {
            throw StorageError.io(operation: "create staging folder", path: url.path, reason: Self.reason(error))
        }
        return url
    }

    public func discardStaging(_ folder: URL) {
        guard let folder = try? checkedStagingFolder(folder) else { return }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Removes everything in staging/: interrupted jobs' partial output and folders set aside by an
    /// interrupted replace or delete. Called once at start-up, before any job runs.
    public func cleanStaging() throws -> Int {
        let entries = try FileManager.default.contentsOfDirectory(atPath: stagingRoot.path)
        for entry in entries {
            let url = stagingRoot.appendingPathComponent(entry)
            do {
                try FileManager.default.removeItem(at: url)
            } catch {
                throw StorageError.io(operation: "remove", path: url.path, reason: Self.reason(error))
            }
        }
        return entries.count
    }

    // MARK: Space

    public func availableBytes() throws -> Int64 {
        try FileSystem.availableBytes(root.path)
    }

    /// Throws `insufficientSpace` unless at least `bytes` are free (ingest checks before it starts).
    public func ensureAvailable(_ bytes: Int64) throws {
        let available = try availableBytes()
        if available < bytes {
            throw StorageError.insufficientSpace(path: root.path, needed: bytes, available: available)
        }
    }

    // MARK: Helpers

    /// Job names become folder names: letters, digits, `.`, `-`, `_`, not starting with `.` or `-`.
    static func isValidJobName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128 else { return false }
        for (index, byte) in name.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                continue
            case UInt8(ascii: "."), UInt8(ascii: "-"):
                if index == 0 { return false }
            default:
                return false
            }
        }
        return true
    }

    /// ENOSPC or EDQUOT under a Foundation error: the disk is full, not a permission problem.
    static func isDiskFull(_ error: Error) -> Bool {
        let nsError = error as NSError
        let posix = (nsError.userInfo[NSUnderlyingErrorKey] as? NSError) ?? nsError
        if posix.domain == NSPOSIXErrorDomain { return posix.code == Int(ENOSPC) || posix.code == Int(EDQUOT) }
        return nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileWriteOutOfSpaceError
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return nsError.localizedDescription
    }
}
