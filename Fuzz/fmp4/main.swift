// libFuzzer entry (make fuzz): the fMP4 box reader and the segment indexer `reindex` runs on files on disk. The first two bytes say where the init segment ends
// and the media segment begins; each track the init describes is used to read the media segment.
@testable import MP4
import MediaCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFMP4(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 2 else { return 0 }
    let split = min(Int(bytes[0]) << 8 | Int(bytes[1]), bytes.count - 2) + 2
    let initBytes = Array(bytes[2..<split]), mediaBytes = Array(bytes[split...])
    for track in (try? InitSegment.tracks(initBytes)) ?? [] {
        _ = try? MediaSegment.summary(mediaBytes, track: track)
    }
    _ = try? InitSegment.tracks(bytes)
    _ = try? SegmentIndexer.index(id: SafeName("fuzz")!, initSegment: initBytes,
                                  segments: [SegmentIndexer.SegmentBytes(number: 1, bytes: mediaBytes)])
    return 0
}
