import MediaCore
import Testing
@testable import Live
@testable import RTMP

/// The pure parts of SRT ingest: the caller's `streamid`, and MPEG-TS payloads (Annex B H.264, ADTS AAC)
/// turned into the media events the segmenter takes.
@Suite struct SRTMediaTests {
    @Test func streamIDForms() {
        #expect(SRTStreamID("0123abcd") == .publish(key: "0123abcd"))
        // SRT access control: `r` is the resource, `m` the mode; other keys (u, h, s, t) are ignored.
        #expect(SRTStreamID("#!::r=0123abcd,m=publish") == .publish(key: "0123abcd"))
        #expect(SRTStreamID("#!::u=alice,r=0123abcd") == .publish(key: "0123abcd"))
        #expect(SRTStreamID("#!::m=publish,r=k=v") == .publish(key: "k=v"))
        #expect(SRTStreamID("%23%21%3A%3Ar%3D0123abcd%2Cm%3Dpublish") == .publish(key: "0123abcd"))
        #expect(SRTStreamID("%23!::r=0123abcd") == .publish(key: "0123abcd"))
        #expect(SRTStreamID("#!::r=0123abcd,m=request") == .unsupportedMode("request"))
        #expect(SRTStreamID("#!::r=0123abcd,m=bidirectional") == .unsupportedMode("bidirectional"))
        #expect(SRTStreamID("#!::m=publish") == .malformed)
        #expect(SRTStreamID("#!::r=") == .malformed)
        #expect(SRTStreamID("#!::garbage") == .malformed)
        #expect(SRTStreamID("") == .malformed)
        #expect(SRTStreamID(String(repeating: "k", count: 513)) == .malformed)
    }

    @Test func annexBAndADTSConversion() throws {
        let units = AnnexB.nalUnits([0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 0x64, 0, 0x0C, 0, 0, 0, 1, 0x68, 0xEB, 0, 0, 1, 0x65, 0x88, 0x80])
        #expect(units.map(Array.init) == [[0x09, 0xF0], [0x67, 0x64, 0, 0x0C], [0x68, 0xEB], [0x65, 0x88, 0x80]])
        var adapter = TSMediaAdapter()
        let events = adapter.video([0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 0x64, 0, 0x0C, 0, 0, 0, 1, 0x68, 0xEB, 0, 0, 1, 0x65, 0x88, 0x80],
                                   pts: 183_600, dts: 180_000, isKeyframe: false)
        #expect(events == [
            .videoConfig(avcC: [1, 0x64, 0, 0x0C, 0xFF, 0xE1, 0, 4, 0x67, 0x64, 0, 0x0C, 1, 0, 2, 0x68, 0xEB]),
            .video(VideoFrame(dts: 2000, pts: 2040, isKeyframe: true, data: [0, 0, 0, 3, 0x65, 0x88, 0x80])),
        ])
        // Two ADTS frames (AAC-LC, 48 kHz, stereo), 7-byte headers, payloads of 2 and 1 bytes.
        let adts: [UInt8] = [0xFF, 0xF1, 0x4C, 0x80, 0x01, 0x20, 0x00, 0xAA, 0xBB,
                             0xFF, 0xF1, 0x4C, 0x80, 0x01, 0x00, 0x00, 0xCC]
        let audio = try adapter.audio(adts, pts: 90_000)
        #expect(audio == [
            .audioConfig(asc: [0x11, 0x90]),
            .audio(AudioFrame(pts: 1000, data: [0xAA, 0xBB])),
            .audio(AudioFrame(pts: 1021, data: [0xCC])),
        ])
        #expect(throws: LiveError.self) { try adapter.audio([0xFF, 0xF1, 0x4C, 0x80, 0x7F, 0xE0, 0], pts: 0) }
    }
}
