import Foundation

/// The tags of an FLV file (FLV 10.1 annex E.4), which are exactly the bodies RTMP audio (8), video (9)
/// and data (18) messages carry: the publisher replays them with no parsing of their contents.
struct FLVClip: Sendable {
    struct Tag: Sendable {
        var type: UInt8
        var timestamp: UInt32
        var body: [UInt8]
        /// AVC or AAC sequence header (decoder configuration): sent once, not on every loop.
        var isSequenceHeader: Bool
    }

    let tags: [Tag]
    /// Length of one loop in milliseconds: the last video tag plus one frame.
    let durationMs: UInt32

    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 13, bytes[0] == 0x46, bytes[1] == 0x4C, bytes[2] == 0x56 else {
            throw BenchError("\(url.path) is not an FLV file")
        }
        var offset = Int(UInt32(bytes[5]) << 24 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 8 | UInt32(bytes[8])) + 4
        var tags: [Tag] = []
        while offset + 11 <= bytes.count {
            let type = bytes[offset] & 0x1F
            let size = Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let timestamp = UInt32(bytes[offset + 7]) << 24 | UInt32(bytes[offset + 4]) << 16
                | UInt32(bytes[offset + 5]) << 8 | UInt32(bytes[offset + 6])
            guard offset + 11 + size <= bytes.count else { break }
            let body = Array(bytes[(offset + 11)..<(offset + 11 + size)])
            let sequenceHeader = (type == 9 && body.count > 1 && body[0] & 0x0F == 7 && body[1] == 0)
                || (type == 8 && body.count > 1 && body[0] >> 4 == 10 && body[1] == 0)
            tags.append(Tag(type: type, timestamp: timestamp, body: body, isSequenceHeader: sequenceHeader))
            offset += 11 + size + 4
        }
        let video = tags.filter { $0.type == 9 && !$0.isSequenceHeader }.map(\.timestamp)
        guard video.count > 1, let last = video.last else { throw BenchError("\(url.path) holds no H.264 video") }
        self.tags = tags
        durationMs = last + (last - video[0]) / UInt32(video.count - 1)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
