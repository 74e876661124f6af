import Testing
import TestSupport
@testable import RTMP

@Suite struct AMF0Tests {
    @Test func roundTripsEveryType() throws {
        let values: [AMF0Value] = [
            .number(1.5), .boolean(true), .boolean(false), .string("connect"), .null, .undefined,
            .object([AMF0Property("app", .string("live")), AMF0Property("n", .object([AMF0Property("deep", .number(-2))]))]),
            .ecmaArray([AMF0Property("width", .number(320)), AMF0Property("height", .number(180))]),
            .strictArray([.number(1), .string("two"), .null]),
            .string(String(repeating: "x", count: 70_000)),  // needs the long-string marker
            .date(1_700_000_000_000),
        ]
        let bytes = AMF0.encode(values)
        #expect(try AMF0.decodeAll(bytes) == values)
    }

    @Test func decodesHandBuiltConnectCommand() throws {
        // "connect", 1.0, {app: "live"} as ffmpeg writes it.
        let bytes: [UInt8] = [0x02, 0x00, 0x07] + Array("connect".utf8)
            + [0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0]
            + [0x03, 0x00, 0x03] + Array("app".utf8) + [0x02, 0x00, 0x04] + Array("live".utf8) + [0x00, 0x00, 0x09]
        let values = try AMF0.decodeAll(bytes)
        #expect(values.count == 3)
        #expect(values[0] == .string("connect"))
        #expect(values[1] == .number(1))
        #expect(values[2]["app"] == .string("live"))
    }

    @Test func longStringMarkerUsedAboveSixtyFourKiB() {
        let bytes = AMF0.encode([.string(String(repeating: "a", count: 65_536))])
        #expect(bytes.first == 0x0C)
        #expect(AMF0.encode([.string("short")]).first == 0x02)
    }

    @Test func refusesNestingBeyondTheBound() {
        // 100 nested objects {"a": {"a": ...}} without end markers: depth must stop it, not the stack.
        var bytes: [UInt8] = []
        for _ in 0..<100 { bytes += [0x03, 0x00, 0x01, UInt8(ascii: "a")] }
        #expect(throws: LiveError.self) { try AMF0.decodeAll(bytes) }
    }

    @Test func refusesLyingLengthsAndUnknownMarkers() {
        #expect(throws: LiveError.truncated("an AMF0 string of 65535 bytes")) { try AMF0.decodeAll([0x02, 0xFF, 0xFF, 0x41]) }
        #expect(throws: LiveError.self) { try AMF0.decodeAll([0x0C, 0xFF, 0xFF, 0xFF, 0xFF]) }  // 4 GiB long string
        #expect(throws: LiveError.self) { try AMF0.decodeAll([0x0A, 0x7F, 0xFF, 0xFF, 0xFF, 0x05]) }  // 2^31 elements
        #expect(throws: LiveError.self) { try AMF0.decodeAll([0x42]) }
        #expect(throws: LiveError.self) { try AMF0.decodeAll([0x00, 0x3F]) }  // truncated number
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<64, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? AMF0.decodeAll(bytes)
        }
    }
}
