import Foundation
import MediaCore
import MP4

/// Indexes the rendition ingest just wrote, from the files in its directory, with the same
/// `SegmentIndexer` that `mediaserve reindex` uses (so the two give the identical index), and checks
/// the files while at it: every segment readable, `tfdt` continuous, video segments opening with a sync
/// sample.
enum RenditionIndexer {
    static func index(_ template: Rendition, directory: URL, segmentCount: Int) throws -> RenditionIndex {
        let id = template.id.rawValue
        guard segmentCount > 0 else { throw IngestError.outputMismatch(rendition: id, reason: "no segment was written") }
        var builder = try readable("init.mp4", of: id) {
            try SegmentIndexer.Builder(id: template.id, initSegment: try readBytes(directory.appendingPathComponent("init.mp4")),
                                       language: template.language)
        }
        var previous: FragmentSummary?
        for number in 1...segmentCount {
            let name = "seg-\(number).m4s"
            let bytes = try readBytes(directory.appendingPathComponent(name))
            let fragment = try readable(name, of: id) { try builder.add(SegmentIndexer.SegmentBytes(number: number, bytes: bytes)) }
            if template.kind == .video, !fragment.startsWithKeyframe {
                throw IngestError.outputMismatch(rendition: id, reason: "\(name) does not start with a keyframe")
            }
            if let previous, previous.baseMediaDecodeTime + previous.duration != fragment.baseMediaDecodeTime {
                throw IngestError.outputMismatch(rendition: id, reason: "\(name) tfdt \(fragment.baseMediaDecodeTime) does not follow \(previous.baseMediaDecodeTime)+\(previous.duration)")
            }
            previous = fragment
        }
        return builder.finish()
    }

    /// Runs `read`, turning the box reader's error into the rendition's output mismatch.
    private static func readable<T>(_ name: String, of id: String, _ read: () throws -> T) throws -> T {
        do {
            return try read()
        } catch let error as MP4Error {
            throw IngestError.outputMismatch(rendition: id, reason: "\(name): \(error)")
        }
    }

    private static func readBytes(_ url: URL) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw IngestError.outputMismatch(rendition: url.deletingLastPathComponent().lastPathComponent,
                                             reason: "cannot read \(url.lastPathComponent)")
        }
    }
}
