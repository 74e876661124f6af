// libFuzzer entry (make fuzz): the RTMP chunk parser, AMF0 and FLV tag parsing, alone and as a whole
// publisher session after a valid handshake (commands, publish accepted, media).
@testable import RTMP
import MediaCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTMP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var parser = RTMPChunkParser(limits: RTMPLimits(maxChunkSize: 1 << 16, maxMessageLength: 1 << 20, maxChunkStreams: 16,
                                                    maxBufferedBytes: 1 << 20))
    // The same bytes cut in two reads at a place the input chooses: nothing may depend on how reads are cut.
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    for part in [bytes[..<cut], bytes[cut...]] {
        guard let messages = try? parser.receive(Array(part)) else { break }
        for message in messages {
            _ = try? AMF0.decodeAll(message.payload)
            _ = try? FLVTag.parseVideo(message.payload, timestamp: Int64(message.timestamp))
            _ = try? FLVTag.parseAudio(message.payload, timestamp: Int64(message.timestamp))
        }
    }
    var session = RTMPServerSession(handshake: RTMPHandshake(serverTime: 0))
    guard (try? session.receive([3] + [UInt8](repeating: 0, count: 3072))) != nil else { return 0 }
    guard let actions = try? session.receive(bytes) else { return 0 }
    if actions.contains(where: { if case .publishRequested = $0 { return true } else { return false } }) {
        _ = session.acceptPublish()
        _ = try? session.receive(bytes)
    }
    return 0
}
