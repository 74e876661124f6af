#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular local file opened for reading, with the size, modification time and inode of exactly that
/// file (fstat on the descriptor, so a file replaced between lookup and read cannot mix two versions).
/// The origin sends it with sendfile(2). The descriptor is closed when the last reference goes: a
/// response that is dropped unsent (HEAD, client gone) leaks nothing. A VOD file may be shared by
/// concurrent requests (the open-file cache, `OpenAssetCache`): read it only at explicit offsets (pread,
/// sendfile with an offset, a `dup` read that way), never through the descriptor's file position.
public final class LocalFile: Sendable {
    public let descriptor: CInt
    public let size: Int
    public let modifiedNanoseconds: Int64
    public let inode: UInt64
    /// The validators of the object this file is a local copy of (an object store's ETag and
    /// Last-Modified), when it is one. Every node's copy of the object then answers with the same ETag,
    /// so a CDN revalidating against another origin behind the same bucket still gets 304; the local
    /// copy's inode and download time differ from node to node.
    public let storeValidator: StoreValidator?

    /// Nil when the path is missing, not a regular file, or unreadable.
    public convenience init?(path: String, storeValidator: StoreValidator? = nil) {
        self.init(descriptor: open(path, O_RDONLY | O_CLOEXEC), storeValidator: storeValidator)
    }

    /// Takes ownership of an open descriptor (closed here when it is not a regular file); nil for a
    /// negative one, so a failed open(2) can be passed straight in.
    init?(descriptor fd: CInt, storeValidator: StoreValidator? = nil) {
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        #if canImport(Darwin)
        modifiedNanoseconds = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
        descriptor = fd
        size = Int(info.st_size)
        inode = UInt64(info.st_ino)
        self.storeValidator = storeValidator
    }

    deinit { close(descriptor) }
}

/// An object store's own validators for one object: its ETag (a strong entity tag, quoted) and its
/// modification time in seconds since 1970.
public struct StoreValidator: Sendable, Equatable {
    public var etag: String
    public var lastModified: Int?

    /// Nil unless `etag` is a strong entity tag as RFC 9110 spells it (`"…"`, no quote or space inside):
    /// a store that sends none, or a weak one, leaves the file's own validators in charge.
    public init?(etag: String, lastModified: Int?) {
        guard etag.count >= 2, etag.first == "\"", etag.last == "\"",
              !etag.dropFirst().dropLast().contains(where: { $0 == "\"" || $0 == " " || $0.asciiValue == nil }) else { return nil }
        self.etag = etag
        self.lastModified = lastModified
    }
}
