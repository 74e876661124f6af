/// `mvhd` (ISO/IEC 14496-12 §8.2.2): the movie timescale and the next free track id. A fragmented movie
/// has duration 0: its samples live in the fragments. Media times use `mdhd`; the reader keeps this for checks.
struct MovieHeaderBox: MP4Box {
    var version: UInt8 = 0
    var creationTime: UInt64 = 0
    var modificationTime: UInt64 = 0
    var timescale: UInt32
    var duration: UInt64 = 0
    /// 16.16 fixed point; 1.0 is normal playback.
    var rate: Int32 = 0x0001_0000
    /// 8.8 fixed point; 1.0 is full volume.
    var volume: Int16 = 0x0100
    var matrix = TransformationMatrix.unity
    var nextTrackID: UInt32

    var boxType: String { "mvhd" }

    init(timescale: UInt32, nextTrackID: UInt32) {
        self.timescale = timescale
        self.nextTrackID = nextTrackID
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (version, _) = try r.fullBoxHeader()
        (creationTime, modificationTime, timescale, duration) = try r.headerTimes(version)
        rate = Int32(bitPattern: try r.u32())
        volume = Int16(bitPattern: try r.u16())
        try r.skip(10)  // reserved
        matrix = try TransformationMatrix(from: &r)
        try r.skip(24)  // pre_defined
        nextTrackID = try r.u32()
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: version, flags: 0)
        out.appendHeaderTimes((creationTime, modificationTime, timescale, duration), version: version)
        out.appendBigEndian(rate)
        out.appendBigEndian(volume)
        out.appendZeros(10)
        matrix.write(to: &out)
        out.appendZeros(24)
        out.appendBigEndian(nextTrackID)
    }
}
