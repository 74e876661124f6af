import Foundation
import MediaCore

/// Builds a rendition's segment index from the files in its directory and checks them: every segment
/// readable, `tfdt` continuous, video segments opening with a sync sample.
enum RenditionIndexer {
    static func index(_ template: Rendition, directory: URL, segmentCount: Int) throws -> RenditionIndex {
        let id = template.id.rawValue
        guard segmentCount > 0 else { throw IngestError.outputMismatch(rendition: id, reason: "no segment was written") }
        let initBytes = try readBytes(directory.appendingPathComponent("init.mp4"))
        let initInfo = try FragmentReader.readInit(initBytes)
        var segments: [SegmentInfo] = []
        for number in 1...segmentCount {
            let url = directory.appendingPathComponent("seg-\(number).m4s")
            let bytes = try readBytes(url)
            let fragment = try FragmentReader.readFragment(bytes, defaultSampleDuration: initInfo.defaultSampleDuration)
            if template.kind == .video, !fragment.startsWithSyncSample {
                throw IngestError.outputMismatch(rendition: id, reason: "seg-\(number).m4s does not start with a keyframe")
            }
            if let previous = segments.last, previous.start + previous.duration != fragment.baseDecodeTime {
                throw IngestError.outputMismatch(rendition: id, reason: "seg-\(number).m4s tfdt \(fragment.baseDecodeTime) does not follow \(previous.start)+\(previous.duration)")
            }
            segments.append(SegmentInfo(number: number, start: fragment.baseDecodeTime, duration: fragment.duration, size: bytes.count))
        }
        var rendition = template
        rendition.timescale = initInfo.timescale
        let scale = Double(initInfo.timescale)
        let totalBits = Double(segments.reduce(0) { $0 + $1.size }) * 8
        let totalSeconds = Double(segments.reduce(0) { $0 + $1.duration }) / scale
        rendition.averageBitrate = totalSeconds > 0 ? Int((totalBits / totalSeconds).rounded()) : 0
        rendition.peakBitrate = segments.map { segment in
            let seconds = Double(segment.duration) / scale
            return seconds > 0 ? Int((Double(segment.size * 8) / seconds).rounded()) : 0
        }.max() ?? 0
        return RenditionIndex(rendition: rendition, segments: segments)
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
