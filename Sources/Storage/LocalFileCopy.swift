import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Moving bytes between open local files by position (`pread`, `copy_file_range(2)`), never through
/// the descriptors' own offsets, so a file shared by reference is read the same by every holder.
public enum LocalFileCopy {
    /// Appends the first `count` bytes of `descriptor` to `out` (no intermediate buffer: a segment is
    /// megabytes); false when the file ends early or cannot be read (errno says why).
    public static func read(_ descriptor: Int32, count: Int, appendingTo out: inout [UInt8]) -> Bool {
        let start = out.count
        out += repeatElement(0, count: count)
        var offset = 0
        while offset < count {
            let read = out.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + start + offset, count - offset, off_t(offset)) }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else {
                if read == 0 { errno = EIO }
                return false
            }
            offset += read
        }
        return true
    }

    /// Writes the first `count` bytes of `source` at the current position of `target`; nil when done,
    /// else what failed. The kernel copies page to page (`copy_file_range`); where it cannot (another
    /// filesystem, an old kernel) the bytes go through a small buffer instead.
    public static func copy(_ count: Int, from source: Int32, to target: Int32) -> String? {
        var offset = 0
        #if canImport(Glibc)
        if let copyFileRange = Self.copyFileRange {
            var sourceOffset = Int64(0)
            while offset < count {
                let copied = copyFileRange(source, &sourceOffset, target, nil, count - offset, 0)
                if copied < 0, errno == EINTR { continue }
                if copied < 0, offset == 0, [EXDEV, ENOSYS, EINVAL, EOPNOTSUPP].contains(errno) { break }  // fall back below
                if copied < 0 { return String(cString: strerror(errno)) }
                if copied == 0 { return "the spool file ended after \(offset) of \(count) bytes" }
                offset += copied
            }
        }
        #endif
        var buffer = [UInt8](repeating: 0, count: min(count - offset, 256 << 10))
        while offset < count {
            let read = buffer.withUnsafeMutableBytes { pread(source, $0.baseAddress!, min($0.count, count - offset), off_t(offset)) }
            if read < 0, errno == EINTR { continue }
            if read < 0 { return String(cString: strerror(errno)) }
            if read == 0 { return "the spool file ended after \(offset) of \(count) bytes" }
            var written = 0
            while written < read {
                let result = buffer.withUnsafeBytes { systemWrite(target, $0.baseAddress! + written, read - written) }
                if result < 0, errno == EINTR { continue }
                guard result > 0 else { return result < 0 ? String(cString: strerror(errno)) : "short write" }
                written += result
            }
            offset += read
        }
        return nil
    }

    #if canImport(Glibc)
    /// glibc's copy_file_range (declared only under _GNU_SOURCE, which the Glibc module leaves out).
    private typealias CopyFileRange = @convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int
    private static let copyFileRange: CopyFileRange? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "copy_file_range") else { return nil }
        return unsafeBitCast(symbol, to: CopyFileRange.self)
    }()
    #endif

    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, bytes, count)
        #else
        Darwin.write(descriptor, bytes, count)
        #endif
    }
}
