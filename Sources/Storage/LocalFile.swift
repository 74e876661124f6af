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

    /// Nil when the path is missing, not a regular file, or unreadable.
    public convenience init?(path: String) {
        self.init(descriptor: open(path, O_RDONLY | O_CLOEXEC))
    }

    /// Takes ownership of an open descriptor (closed here when it is not a regular file); nil for a
    /// negative one, so a failed open(2) can be passed straight in.
    init?(descriptor fd: CInt) {
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
    }

    deinit { close(descriptor) }
}
