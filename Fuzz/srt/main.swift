// libFuzzer entry (make fuzz): what the SRT path reads itself (MPEG-TS demuxing is libavformat's): the
// Annex B NAL splitter, ADTS headers and the caller's stream id.
import MediaCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSRT(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for unit in AnnexB.nalUnits(bytes) { _ = unit.first }
    for offset in 0..<min(bytes.count, 64) { _ = ADTSHeader(bytes, at: offset) }
    _ = SRTStreamID(String(decoding: bytes, as: UTF8.self))
    return 0
}
