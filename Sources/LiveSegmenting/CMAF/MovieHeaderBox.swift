/// `mvhd`: a fragmented movie has duration 0; samples live in the fragments.
enum MovieHeaderBox {
    static func encode(timescale: UInt32, nextTrackID: UInt32) -> [UInt8] {
        var body: [UInt8] = []
        body.appendBigEndian(UInt32(0))  // creation_time
        body.appendBigEndian(UInt32(0))  // modification_time
        body.appendBigEndian(timescale)
        body.appendBigEndian(UInt32(0))  // duration
        body.appendBigEndian(UInt32(0x0001_0000))  // rate 1.0
        body.appendBigEndian(UInt16(0x0100))  // volume 1.0
        body += [UInt8](repeating: 0, count: 10)  // reserved
        body += Box.unityMatrix
        body += [UInt8](repeating: 0, count: 24)  // pre_defined
        body.appendBigEndian(nextTrackID)
        return Box.fullBox("mvhd", version: 0, flags: 0, body)
    }
}
