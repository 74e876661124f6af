import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls publishing needs that Foundation does not offer: lstat without following links,
/// fsync of files and directories, and Linux's renameat2 (atomic exchange / no-replace rename).
enum FileSystem {
    enum Kind: Equatable {
        case regular, directory, symlink, other, missing
    }

    /// What is at `path`, without following a final symlink.
    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Flushes a file's or directory's data and metadata to disk (a rename is only durable once the
    /// files it moves and the directories it changes are).
    static func fsync(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error("open for fsync", path) }
        defer { close(fd) }
        #if canImport(Glibc)
        guard Glibc.fsync(fd) == 0 else { throw error("fsync", path) }
        #else
        guard Darwin.fsync(fd) == 0 else { throw error("fsync", path) }
        #endif
    }

    static func rename(_ from: String, _ to: String) throws {
        #if canImport(Glibc)
        guard Glibc.rename(from, to) == 0 else { throw error("rename to \(to)", from) }
        #else
        guard Darwin.rename(from, to) == 0 else { throw error("rename to \(to)", from) }
        #endif
    }

    enum RenameMode: UInt32 {
        /// Fail with EEXIST if the target exists (RENAME_NOREPLACE).
        case noReplace = 1
        /// Swap two existing paths atomically (RENAME_EXCHANGE).
        case exchange = 2
    }

    enum RenameOutcome: Equatable {
        case done
        case targetExists
        /// The kernel, file system or C library cannot do it: use the portable fallback.
        case unsupported
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// renameat2(2) looked up at run time: glibc declares it only under _GNU_SOURCE, which Swift's
    /// Glibc module does not define, and other systems do not have it at all.
    private static let renameAt2: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    static func rename(_ from: String, _ to: String, mode: RenameMode) throws -> RenameOutcome {
        guard let renameAt2 else { return .unsupported }
        if renameAt2(AT_FDCWD, from, AT_FDCWD, to, mode.rawValue) == 0 { return .done }
        switch errno {
        case EEXIST, ENOTEMPTY: return .targetExists
        case EINVAL, ENOSYS, ENOTSUP: return .unsupported
        default: throw error("rename to \(to)", from)
        }
    }

    /// link(2): false when it failed (e.g. EXDEV across file systems), so the caller can copy instead.
    static func link(_ from: String, _ to: String) -> Bool {
        #if canImport(Glibc)
        Glibc.link(from, to) == 0
        #else
        Darwin.link(from, to) == 0
        #endif
    }

    /// Bytes available to an unprivileged writer on the file system holding `path`.
    static func availableBytes(_ path: String) throws -> Int64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { throw error("statvfs", path) }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    static func error(_ operation: String, _ path: String) -> StorageError {
        .io(operation: operation, path: path, reason: String(cString: strerror(errno)))
    }
}
