import Foundation
import MediaCore
import RTMP
import Storage

/// `<stream>/.index.jsonl`: the durable copy of a stream's segment index, so a restarted server serves the
/// same DVR window (and can still archive it) instead of forgetting every segment it wrote.
///
/// One JSON object per line, appended in one store append (locally a single `write(2)` on an `O_APPEND`
/// descriptor) after the file it names is in place. A line only counts when it ends with a newline and decodes, so a line cut short
/// by a crash is detected and skipped, never half-read. The journal only grows; `rewrite` replaces it
/// atomically with the live state (at start-up and when it holds far more lines than the index).
struct IndexJournal: Sendable {
    /// One journal line; `kind` says which of the optional fields are set.
    struct Line: Codable, Equatable, Sendable {
        enum Kind: String, Codable, Sendable {
            /// Written first by `rewrite`: numbers that must outlive the segments they came from.
            case header
            /// `init-<number>.mp4` of `rendition` is on disk.
            case initSegment = "init"
            /// `seg-<segment.number>.m4s` of `rendition` is on disk and complete.
            case segment
            /// The DVR ring deleted these segment numbers of `renditionID`.
            case expired
        }

        var kind: Kind
        var rendition: Rendition?
        var renditionID: SafeName?
        var segment: SegmentInfo?
        var number: Int?
        var numbers: [Int]?
        /// Header: the highest segment or init number used so far (names never return).
        var lastNumber: Int?
        /// Header: numbers of discontinuity-flagged segments, also those that left the window (HLS
        /// EXT-X-DISCONTINUITY-SEQUENCE counts them).
        var discontinuities: [Int]?

        static func initSegment(_ rendition: Rendition, number: Int) -> Line {
            Line(kind: .initSegment, rendition: rendition, number: number)
        }

        static func segment(_ rendition: Rendition, _ segment: SegmentInfo) -> Line {
            Line(kind: .segment, rendition: rendition, segment: segment)
        }

        static func expired(_ rendition: SafeName, numbers: [Int]) -> Line {
            Line(kind: .expired, renditionID: rendition, numbers: numbers)
        }

        static func header(lastNumber: Int?, discontinuities: [Int]) -> Line {
            Line(kind: .header, lastNumber: lastNumber, discontinuities: discontinuities)
        }
    }

    let store: any LiveMediaStore
    let stream: SafeName

    private var files: SegmentFiles { SegmentFiles(store: store, stream: stream) }

    private static func encoded(_ line: Line) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(line)) + [UInt8(ascii: "\n")]
    }

    /// Appends one line in one write; throws `LiveError.storage` when the store refuses it.
    func append(_ line: Line) throws {
        try files.storing(.journal) {
            try store.append(try Self.encoded(line), to: .journal, of: stream)
        }
    }

    /// Replaces the journal with `lines` all at once (locally: temporary file, then one rename).
    func rewrite(_ lines: [Line]) throws {
        try files.storing(.journal) {
            var bytes: [UInt8] = []
            for line in lines { bytes += try Self.encoded(line) }
            try store.write(bytes, to: .journal, of: stream)
        }
    }

    /// Every complete, decodable line, and how many lines were not (cut short or damaged). A missing
    /// journal reads as nil.
    func read() -> (lines: [Line], bad: Int)? {
        guard let data = store.read(.journal, of: stream) else { return nil }
        let decoder = JSONDecoder()
        var lines: [Line] = []
        var bad = 0
        var start = data.startIndex
        while start < data.endIndex {
            guard let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                bad += 1  // the last line never got its newline: a write cut short
                break
            }
            let text = data[start..<newline]
            start = newline + 1
            if text.isEmpty { continue }
            if let line = try? decoder.decode(Line.self, from: text) { lines.append(line) } else { bad += 1 }
        }
        return (lines, bad)
    }
}
