import Foundation
import MediaCore

/// One file of a live stream, named relative to the stream (`live/<stream>/...`).
public enum LiveFile: Hashable, Sendable {
    /// `<rendition>/init-<n>.mp4` (`init.mp4` for nil: what servers before numbered inits wrote).
    case initSegment(rendition: SafeName, number: Int?)
    /// `<rendition>/seg-<n>.m4s`.
    case segment(rendition: SafeName, number: Int)
    /// `<rendition>/part-<n>.<k>.m4s`: part `k` of segment `n` (low-latency streams; transient).
    case part(rendition: SafeName, segment: Int, index: Int)
    /// `.index.jsonl`: the stream's segment index journal, reloaded at start-up.
    case journal
    /// `.last-segment-number`: the highest segment or init number ever used (names never return).
    case lastSegmentNumber

    /// The file's path below the stream's folder.
    public var relativePath: String {
        switch self {
        case .initSegment(let rendition, let number): return "\(rendition.rawValue)/\(SegmentFileName.initFileName(number))"
        case .segment(let rendition, let number): return "\(rendition.rawValue)/\(SegmentFileName.segment(number))"
        case .part(let rendition, let segment, let index): return "\(rendition.rawValue)/\(PartInfo.fileName(segment: segment, index: index))"
        case .journal: return ".index.jsonl"
        case .lastSegmentNumber: return ".last-segment-number"
        }
    }
}

/// What one rendition folder of a live stream holds.
public struct LiveRenditionFiles: Sendable, Equatable {
    /// Segment sizes in bytes by segment number.
    public var segmentSizes: [Int: Int]
    /// Init segments by number (nil: `init.mp4`).
    public var inits: Set<Int?>

    public init(segmentSizes: [Int: Int] = [:], inits: Set<Int?> = []) {
        self.segmentSizes = segmentSizes
        self.inits = inits
    }
}

/// The live side of the storage seam: what the live segmenter needs from wherever a stream's files live
/// (its segments, init segments, index journal and last-number stamp). It is the live part of the one
/// storage protocol, `MediaStore`, which refines it: the store that holds published assets holds live
/// streams too (`DataDirectory` keeps them under `data/live/` through `LiveDirectory`), and an object
/// store can hold live streams without the segmenter changing.
///
/// Errors are `StorageError.io` naming the file; the segmenter reports them as `LiveError.storage`.
public protocol LiveMediaStore: Sendable {
    /// Makes `bytes` the file's whole content at once: a reader (or the CDN behind it) sees the old file
    /// or the new one, never part of it.
    func write(_ bytes: [UInt8], to file: LiveFile, of stream: SafeName) throws
    /// The same for `head` followed by the first `count` bytes of the open local file `descriptor` (a live
    /// segment whose samples wait in their spool file). A local store copies them file to file; the
    /// default reads them into memory and calls `write`.
    func write(_ head: [UInt8], followedBy count: Int, of descriptor: Int32, to file: LiveFile, of stream: SafeName) throws
    /// Appends `bytes` in one write (journal lines): a crash can cut only the last, unterminated line.
    func append(_ bytes: [UInt8], to file: LiveFile, of stream: SafeName) throws
    /// The file's bytes, nil when it is absent or unreadable.
    func read(_ file: LiveFile, of stream: SafeName) -> Data?
    /// Deletes the file; a file already gone is not an error (the DVR ring and restore both delete).
    func remove(_ file: LiveFile, of stream: SafeName)
    /// The stream's init and segment files by rendition; leftovers of writes cut short by a crash are
    /// deleted on the way.
    func inventory(of stream: SafeName) -> [SafeName: LiveRenditionFiles]
    /// A local folder for the stream's scratch files (the segmenter's sample spool): never published,
    /// never served, and local even when the media files are not.
    func scratchDirectory(of stream: SafeName) -> URL
    /// Where the file is, for error messages and logs.
    func location(of file: LiveFile, stream: SafeName) -> String
}

extension LiveMediaStore {
    public func write(_ head: [UInt8], followedBy count: Int, of descriptor: Int32, to file: LiveFile, of stream: SafeName) throws {
        var bytes = head
        guard LocalFileCopy.read(descriptor, count: count, appendingTo: &bytes) else {
            throw StorageError.io(operation: "read the spooled samples for", path: location(of: file, stream: stream),
                                  reason: String(cString: strerror(errno)))
        }
        try write(bytes, to: file, of: stream)
    }
}
