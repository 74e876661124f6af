/// `tkhd` (ISO/IEC 14496-12 §8.3.2): track id and presentation size. We write tracks enabled and in the
/// movie (flags 3); audio gets full volume, video its display size.
struct TrackHeaderBox: MP4Box {
    var version: UInt8 = 0
    var flags: UInt32 = 0x000003
    var creationTime: UInt64 = 0
    var modificationTime: UInt64 = 0
    var trackID: UInt32
    var duration: UInt64 = 0
    var layer: Int16 = 0
    var alternateGroup: Int16 = 0
    /// 8.8 fixed point: 1.0 for audio, 0 for video.
    var volume: Int16 = 0
    var matrix = TransformationMatrix.unity
    /// Display size in 16.16 fixed point (pixel aspect applied).
    var widthFixed: UInt32 = 0
    var heightFixed: UInt32 = 0

    var width: Int { Int(widthFixed >> 16) }
    var height: Int { Int(heightFixed >> 16) }

    var boxType: String { "tkhd" }

    init(trackID: UInt32, isAudio: Bool, width: Int, height: Int) {
        self.trackID = trackID
        volume = isAudio ? 0x0100 : 0
        widthFixed = UInt32(truncatingIfNeeded: width) << 16
        heightFixed = UInt32(truncatingIfNeeded: height) << 16
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (version, flags) = try r.fullBoxHeader()
        creationTime = try r.versioned(version)
        modificationTime = try r.versioned(version)
        trackID = try r.u32()
        try r.skip(4)  // reserved
        duration = try r.versioned(version)
        try r.skip(8)  // reserved
        layer = Int16(bitPattern: try r.u16())
        alternateGroup = Int16(bitPattern: try r.u16())
        volume = Int16(bitPattern: try r.u16())
        try r.skip(2)  // reserved
        matrix = try TransformationMatrix(from: &r)
        widthFixed = try r.u32()
        heightFixed = try r.u32()
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: version, flags: flags)
        out.appendVersioned(creationTime, version: version)
        out.appendVersioned(modificationTime, version: version)
        out.appendBigEndian(trackID)
        out.appendZeros(4)
        out.appendVersioned(duration, version: version)
        out.appendZeros(8)
        out.appendBigEndian(layer)
        out.appendBigEndian(alternateGroup)
        out.appendBigEndian(volume)
        out.appendZeros(2)
        matrix.write(to: &out)
        out.appendBigEndian(widthFixed)
        out.appendBigEndian(heightFixed)
    }
}
