/// `tkhd`: track enabled and in the movie; audio gets full volume, video its display size in 16.16.
enum TrackHeaderBox {
    static func encode(trackID: UInt32, isAudio: Bool, width: Int, height: Int) -> [UInt8] {
        var body: [UInt8] = []
        body.appendBigEndian(UInt32(0))  // creation_time
        body.appendBigEndian(UInt32(0))  // modification_time
        body.appendBigEndian(trackID)
        body.appendBigEndian(UInt32(0))  // reserved
        body.appendBigEndian(UInt32(0))  // duration
        body += [UInt8](repeating: 0, count: 8)  // reserved
        body.appendBigEndian(UInt16(0))  // layer
        body.appendBigEndian(UInt16(0))  // alternate_group
        body.appendBigEndian(UInt16(isAudio ? 0x0100 : 0))  // volume
        body.appendBigEndian(UInt16(0))  // reserved
        body += Box.unityMatrix
        body.appendBigEndian(UInt32(width) << 16)
        body.appendBigEndian(UInt32(height) << 16)
        return Box.fullBox("tkhd", version: 0, flags: 0x000003, body)
    }
}
