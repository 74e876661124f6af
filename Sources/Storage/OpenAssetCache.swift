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
///
/// Where inotify watches the folders (`FolderWatch`), the lstat is skipped for an entry that lstat found
/// unchanged under the watch's current change count and less than `revalidateNanoseconds` ago: any change
/// that would move the identity is an event that moves the count first. The time bound is a backstop for
/// changes inotify cannot see (a folder shared over the network, a watch the kernel refused).
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
        /// Whether inotify watches this very folder (the inode opened), so `FolderWatch.generation` moves
        /// when it changes.
        let watched: Bool
        /// When lstat last found the folder unchanged: the watch's change count read before that lstat,
        /// and the monotonic time in nanoseconds (`UInt64.max`: never trusted without looking).
        private let checkedGeneration = Atomic<UInt64>(.max)
        private let checkedAt = Atomic<Int64>(0)

        /// True when the folder may be taken as unchanged without an lstat now.
        func isFresh(generation: UInt64?, now: Int64, validFor: Int64) -> Bool {
            guard watched, let generation else { return false }
            return checkedGeneration.load(ordering: .relaxed) == generation && now - checkedAt.load(ordering: .relaxed) < validFor
        }

        func checked(generation: UInt64?, at now: Int64) {
            guard watched, let generation else { return }
            checkedAt.store(now, ordering: .relaxed)
            checkedGeneration.store(generation, ordering: .relaxed)
        }

        init(asset: AssetID, identity: Identity, folder: LocalAssetVersion, stamp: VersionStamp, settle: Int64, watched: Bool) {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let opened = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
            settled = opened - max(identity.modified, identity.changed) > settle
            self.watched = watched
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
    /// Longest time a watched folder is trusted without an lstat (see the type's comment).
    let revalidateNanoseconds: Int64
    static let defaultRevalidateNanoseconds: Int64 = 1_000_000_000
    /// `<data>/vod`, where published asset folders are.
    let vodRoot: String
    /// Nil: every lookup looks (lstat).
    private let watch: FolderWatch?
    private let state = Mutex<(entries: [AssetID: Entry], descriptors: Int)>(([:], 0))

    /// What tells the cache that folders changed: inotify (the server), nothing (every lookup looks), or a
    /// watch that sees nothing (tests of the time bound).
    enum Watching { case inotify, off, blind }

    /// Monotonic nanoseconds (tests move it by hand).
    private let clock: @Sendable () -> Int64

    init(vodRoot: String, descriptorLimit: Int, settleNanoseconds: Int64 = OpenAssetCache.defaultSettleNanoseconds,
         revalidateNanoseconds: Int64 = OpenAssetCache.defaultRevalidateNanoseconds, watching: Watching = .off,
         clock: @escaping @Sendable () -> Int64 = OpenAssetCache.monotonicNow) {
        self.vodRoot = vodRoot
        self.settleNanoseconds = settleNanoseconds
        self.revalidateNanoseconds = revalidateNanoseconds
        self.descriptorLimit = descriptorLimit
        self.clock = clock
        switch watching {
        case _ where descriptorLimit <= 0 || revalidateNanoseconds <= 0, .off: watch = nil
        case .inotify: watch = FolderWatch(root: vodRoot)
        case .blind: watch = .blind()
        }
    }

    @Sendable static func monotonicNow() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// The asset's current folder, from the cache when it is still the same folder; nil when there is no
    /// such asset folder.
    func version(of asset: AssetID) -> (any StoredAssetVersion)? {
        // Read before anything is looked at: a change after this moves it.
        let generation = watch?.generation
        let now = generation == nil ? 0 : clock()
        let cached = descriptorLimit > 0 ? state.withLock({ $0.entries[asset] }) : nil
        if let cached, cached.settled, cached.isFresh(generation: generation, now: now, validFor: revalidateNanoseconds) {
            return CachedAssetVersion(entry: cached, cache: self)
        }
        let path = vodRoot + "/" + asset.rawValue
        var info = stat()
        guard lstat(path, &info) == 0, let identity = Identity(info) else {
            forget(asset)
            return nil
        }
        if let cached, cached.settled, cached.identity == identity {
            cached.checked(generation: generation, at: now)
            return CachedAssetVersion(entry: cached, cache: self)
        }
        guard let folder = LocalAssetVersion(vodRoot: vodRoot, asset: asset) else { return nil }
        // Watched by the inode opened, before its identity and stamp are read: a change after the watch
        // is an event, one before it shows in the identity.
        let watched = generation != nil && folder.watch(with: watch)
        // The identity of the folder actually opened, taken before its stamp is read: if a restamp lands
        // in between, the next lookup sees a newer modification time and opens the folder again.
        guard let opened = folder.identity(), descriptorLimit > 0 else { return folder }
        let entry = Entry(asset: asset, identity: opened, folder: folder, stamp: folder.stamp(), settle: settleNanoseconds,
                          watched: watched)
        // Trusted from the lstat above only if it saw the folder opened (a replace may have come between).
        if opened == identity { entry.checked(generation: generation, at: now) }
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
