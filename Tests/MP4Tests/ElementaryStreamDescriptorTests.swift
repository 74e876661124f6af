import Testing
@testable import MP4

/// The `esds` the live writer makes for AAC, checked at fixed byte positions (moved from LiveTests'
/// CMAFBoxTests with its assertions; the box is read here by offsets, independently of the reader).
@Suite struct ElementaryStreamDescriptorTests {
    static let asc: [UInt8] = [0x12, 0x10]

    @Test func esdsCarriesTheAudioSpecificConfig() throws {
        let esds = ElementaryStreamDescriptorBox(audioSpecificConfig: Self.asc, averageBitrate: 128_000).encoded()
        #expect(String(decoding: esds[4..<8], as: UTF8.self) == "esds")
        // ES_Descriptor(3) > DecoderConfigDescriptor(4, MPEG-4 audio 0x40) > DecoderSpecificInfo(5) = ASC.
        let body = Array(esds.dropFirst(8 + 4))
        #expect(body[0] == 0x03)
        let decoderConfig = Array(body.dropFirst(2 + 3))
        #expect(decoderConfig[0] == 0x04 && decoderConfig[2] == 0x40)
        let specific = Array(decoderConfig.dropFirst(2 + 13))
        #expect(Array(specific.prefix(4)) == [0x05, 2, 0x12, 0x10])
        #expect(ElementaryStreamDescriptorBox.descriptor(tag: 5, [UInt8](repeating: 0, count: 200)).prefix(3) == [5, 0x81, 0x48])
    }

    /// ffmpeg writes descriptor sizes in four bytes (0x80 0x80 0x80 n); the reader takes any length form.
    @Test func readsPaddedDescriptorSizes() throws {
        let config: [UInt8] = [0x40, 0x15, 0, 0, 0] + [0, 1, 0xF4, 0] + [0, 1, 0xF4, 0] + [0x05, 0x80, 0x80, 0x80, 2] + Self.asc
        let es: [UInt8] = [0, 1, 0] + [0x04, 0x80, 0x80, 0x80, UInt8(config.count)] + config + [0x06, 0x80, 0x80, 0x80, 1, 2]
        let payload: [UInt8] = [0, 0, 0, 0, 0x03, 0x80, 0x80, 0x80, UInt8(es.count)] + es
        let bytes: [UInt8] = [0, 0, 0, UInt8(8 + payload.count)] + Array("esds".utf8) + payload
        let box = try ElementaryStreamDescriptorBox.decode(bytes)
        #expect(box.decoderSpecificInfo == Self.asc)
        #expect(box.esID == 1 && box.averageBitrate == 128_000 && box.slConfigPredefined == 2)
    }
}
