#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MediaCore
import Synchronization

/// The local store's open-file cache (as nginx's `open_file_cache`) for published VOD assets: each asset
/// folder stays open with its version stamp read once, and the segment files opened from it stay open,
/// so a hot segment costs one lstat(2) of `vod/<asset>` instead of opening the folder, the stamp, the
/// rendition folder and the file and closing them again.
///
/// Correct across replace and delete without trusting a timer: every lookup compares the folder's
/// identity (device, inode, modification and change times, from lstat) with the one the cache opened.
/// A replace renames another folder into place (another inode), a delete renames it away (ENOENT), a
/// restamp renames a new `version` file into the folder (new modification time): each is seen by the
/// next request, even when another process (`mediaserve ingest --replace`) made it. File times are
/// coarse (a clock tick), so a folder opened within `settleNanoseconds` of its last change could change
/// again without its times moving: such an entry is not reused ("racy", as git calls it). This store's own
/// publish, remove and restamp also drop the entry at once. A descriptor held by a response in flight
/// keeps reading the bytes it opened (the version its URL named), and is closed with its last reference.
final class OpenAssetCache: Sendable {
    /// What lstat says about an asset folder; a different value means a different folder or a changed one.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var modified: Int64
        var changed: Int64

        init?(_ info: stat) {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            #if canImport(Darwin)
            modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
            changed = Int64(info.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(info.st_ctimespec.tv_nsec)
            #else
            modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
            #endif
        }
    }

    /// One opened asset folder: its identity when opened, the stamp read from it, the files opened in it.
    final class Entry: Sendable {
        let asset: AssetID
        let identity: Identity
        let folder: LocalAssetVersion
        let stamp: VersionStamp
        let files = Mutex<[String: LocalFile]>([:])
        /// False when the folder was opened so soon after its last change that a later change could
        /// leave its times as they are.
        let settled: Bool

        init(asset: AssetID, identity: Identity, folder: LocalAssetVersion, stamp: VersionStamp, settle: Int64) {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let opened = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
            settled = opened - max(identity.modified, identity.changed) > settle
            self.asset = asset
            self.identity = identity
            self.folder = folder
            self.stamp = stamp
        }
    }

    /// Descriptors the cache may keep open (folders and files together); when full it closes the files it
    /// kept and starts collecting again (0 turns the cache off).
    let descriptorLimit: Int
    /// How long after its last change a folder's times are trusted to show the next change (tests that
    /// make no change from elsewhere set 0).
    let settleNanoseconds: Int64
    static let defaultSettleNanoseconds: Int64 = 100_000_000
    /// `<data>/vod`, where published asset folders are.
    let vodRoot: String
    private let state = Mutex<(entries: [AssetID: Entry], descriptors: Int)>(([:], 0))

    init(vodRoot: String, descriptorLimit: Int, settleNanoseconds: Int64 = OpenAssetCache.defaultSettleNanoseconds) {
        self.vodRoot = vodRoot
        self.settleNanoseconds = settleNanoseconds
        self.descriptorLimit = descriptorLimit
    }

    /// The asset's current folder, from the cache when it is still the same folder; nil when there is no
    /// such asset folder.
    func version(of asset: AssetID) -> (any StoredAssetVersion)? {
        let path = vodRoot + "/" + asset.rawValue
        var info = stat()
        guard lstat(path, &info) == 0, let identity = Identity(info) else {
            forget(asset)
            return nil
        }
        if descriptorLimit > 0, let entry = state.withLock({ $0.entries[asset] }), entry.settled, entry.identity == identity {
            return CachedAssetVersion(entry: entry, cache: self)
        }
        guard let folder = LocalAssetVersion(vodRoot: vodRoot, asset: asset) else { return nil }
        // The identity of the folder actually opened, taken before its stamp is read: if a restamp lands
        // in between, the next lookup sees a newer modification time and opens the folder again.
        guard let opened = folder.identity(), descriptorLimit > 0 else { return folder }
        let entry = Entry(asset: asset, identity: opened, folder: folder, stamp: folder.stamp(), settle: settleNanoseconds)
        state.withLock { state in
            if let old = state.entries[asset] { state.descriptors -= 1 + old.files.withLock { $0.count } }
            if state.descriptors + 1 > descriptorLimit { state = ([:], 0) }
            state.entries[asset] = entry
            state.descriptors += 1
        }
        return CachedAssetVersion(entry: entry, cache: self)
    }

    /// Drops what is cached for an asset (after this store published, replaced, restamped or removed it).
    func forget(_ asset: AssetID) {
        let dropped = state.withLock { state -> Entry? in
            guard let old = state.entries.removeValue(forKey: asset) else { return nil }
            state.descriptors -= 1 + old.files.withLock { $0.count }
            return old
        }
        _ = dropped  // released outside the lock (descriptors close when responses in flight let go)
    }

    /// Keeps `file` open in `entry` for later requests when the entry is still current and there is room;
    /// returns the file to send (the one another request kept first, if it raced this one).
    fileprivate func keep(_ file: LocalFile, key: String, in entry: Entry) -> LocalFile {
        state.withLock { state in
            guard state.entries[entry.asset] === entry else { return file }
            if state.descriptors >= descriptorLimit {
                // Full: close the files kept so far (not the folders) and start collecting again.
                for kept in state.entries.values { kept.files.withLock { $0.removeAll() } }
                state.descriptors = state.entries.count
            }
            return entry.files.withLock { files in
                if let raced = files[key] { return raced }
                guard state.descriptors < descriptorLimit else { return file }
                files[key] = file
                state.descriptors += 1
                return file
            }
        }
    }

    /// Descriptors held now (folders and files), for tests and the notes.
    var openDescriptors: Int { state.withLock { $0.descriptors } }
}

/// A cached asset folder handed to one request: the stamp read when the folder was opened, and its files
/// from the cache or opened now (and kept for the next request while there is room).
struct CachedAssetVersion: StoredAssetVersion {
    let entry: OpenAssetCache.Entry
    let cache: OpenAssetCache

    func stamp() -> VersionStamp { entry.stamp }

    func openSegment(rendition: SafeName, fileName: String) -> StoredObject? {
        let key = rendition.rawValue + "/" + fileName
        if let file = entry.files.withLock({ $0[key] }) { return .localFile(file) }
        guard case .localFile(let file)? = entry.folder.openSegment(rendition: rendition, fileName: fileName) else { return nil }
        return .localFile(cache.keep(file, key: key, in: entry))
    }

    /// Pictures are fetched rarely: opened from the cached folder each time, not kept.
    func openImage(_ image: PosterImage) -> StoredObject? {
        entry.folder.openImage(image)
    }
}
