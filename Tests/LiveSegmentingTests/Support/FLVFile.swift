import Foundation
import TestSupport

/// Reads an FLV file's tags (FLV 10.1 annex E.3), so the segmenter can be tested on real encoder output
/// without a network.
struct FLVFileTag {
    var type: UInt8
    var timestamp: UInt32
    var body: [UInt8]

    static func read(_ url: URL) throws -> [FLVFileTag] {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count >= 13, bytes[0..<3] == [0x46, 0x4C, 0x56] else { throw TestFailure("\(url.path) is not FLV") }
        var offset = Int(TestBox.be(bytes, 5, 4)) + 4
        var tags: [FLVFileTag] = []
        while offset + 11 <= bytes.count {
            let type = bytes[offset]
            let size = Int(TestBox.be(bytes, offset + 1, 3))
            let timestamp = UInt32(TestBox.be(bytes, offset + 4, 3)) | UInt32(bytes[offset + 7]) << 24
            guard offset + 11 + size <= bytes.count else { break }
            tags.append(FLVFileTag(type: type, timestamp: timestamp, body: Array(bytes[(offset + 11)..<(offset + 11 + size)])))
            offset += 11 + size + 4
        }
        return tags
    }
}
