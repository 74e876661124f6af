import Foundation
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// A media segment's bytes as the segmenter hands them to storage: the `moof` and `mdat` header in
/// memory, then the samples, in memory too or still in the spool file they were collected in.
///
/// A spooled segment is copied file to file by the store (`copy_file_range(2)` locally), so its
/// megabytes never pass through this process: reading them back into one array per cut was a
/// segment-sized block per stream at every cut (peak memory) and two copies and a page fault per 4 KiB
/// (CPU).
public struct SegmentBytes: Sendable, Equatable, CustomStringConvertible {
    /// The bytes in memory: the whole segment, or its header when `spooled` holds the samples.
    public let head: [UInt8]
    /// The samples, when they wait in their spool file.
    let spooled: SpooledSamples?

    public init(_ bytes: [UInt8]) {
        head = bytes
        spooled = nil
    }

    init(head: [UInt8], spooled: SpooledSamples) {
        self.head = head
        self.spooled = spooled
    }

    public var count: Int { head.count + (spooled?.count ?? 0) }

    /// The whole segment in one array (for a store that is not a local file, and tests); nil when the
    /// spool file cannot be read back.
    public func contiguous() -> [UInt8]? {
        guard let spooled else { return head }
        var out = head
        return spooled.read(appendingTo: &out) ? out : nil
    }

    /// Same bytes, wherever they wait.
    public static func == (lhs: SegmentBytes, rhs: SegmentBytes) -> Bool {
        lhs.count == rhs.count && lhs.contiguous() == rhs.contiguous()
    }

    public var description: String { "\(count) bytes" + (spooled == nil ? "" : " (\(spooled!.count) spooled)") }
}

/// A spool file handed over at a cut: the first `count` bytes of `descriptor` are one segment's samples.
/// Nothing writes it any more; it is closed (and, unlinked since its creation, gone) when the last
/// `SegmentBytes` holding it is.
final class SpooledSamples: Sendable {
    let descriptor: Int32
    let count: Int

    init(descriptor: Int32, count: Int) {
        self.descriptor = descriptor
        self.count = count
    }

    deinit { close(descriptor) }

    /// Appends the samples to `out`; false when the file cannot be read.
    func read(appendingTo out: inout [UInt8]) -> Bool {
        LocalFileCopy.read(descriptor, count: count, appendingTo: &out)
    }
}

