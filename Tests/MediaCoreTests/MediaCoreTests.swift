import Testing
@testable import MediaCore

@Suite struct SafeNameTests {
    @Test(arguments: ["movie", "a1", "big-buck_bunny", String(repeating: "a", count: 64)])
    func accepts(_ raw: String) {
        #expect(SafeName(raw)?.rawValue == raw)
    }

    @Test(arguments: ["", "..", "a/b", "-a", "_a", "A", "a%2e", "a\0b", "é", String(repeating: "a", count: 65), "/etc"])
    func rejects(_ raw: String) {
        #expect(SafeName(raw) == nil)
    }
}

@Suite struct MediaTimeTests {
    @Test func comparesAcrossTimescales() {
        #expect(MediaTime(value: 540_000, timescale: 90_000) == MediaTime(value: 6, timescale: 1))
        #expect(MediaTime(value: 1001, timescale: 30_000) < MediaTime(value: 1, timescale: 25))
        #expect(MediaTime(value: 6 * 48_000, timescale: 48_000).converted(to: 90_000).value == 540_000)
    }
}

@Suite struct CodecStringTests {
    @Test func avc1FromAvcC() {
        #expect(CodecString.avc1(avcC: [1, 0x64, 0x00, 0x28, 0xFF]) == "avc1.640028")
        #expect(CodecString.avc1(avcC: [1, 0x4D, 0x40, 0x1E]) == "avc1.4D401E")
        #expect(CodecString.avc1(avcC: [0, 0x64]) == nil)
    }

    @Test func mp4aFromAudioSpecificConfig() {
        #expect(CodecString.mp4a(audioSpecificConfig: [0x11, 0x90]) == "mp4a.40.2")
        #expect(CodecString.mp4a(audioSpecificConfig: [0x2B, 0x11]) == "mp4a.40.5")
        #expect(CodecString.mp4a(audioSpecificConfig: []) == nil)
    }
}
