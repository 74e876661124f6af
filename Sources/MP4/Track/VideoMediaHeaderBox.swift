/// `vmhd` (ISO/IEC 14496-12 §12.1.2): composition mode of a video track; flags are always 1.
struct VideoMediaHeaderBox: MP4Box {
    var graphicsMode: UInt16 = 0
    var opColor: [UInt16] = [0, 0, 0]

    var boxType: String { "vmhd" }

    init() {}

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        graphicsMode = try r.u16()
        opColor = try (0..<3).map { _ in try r.u16() }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 1)
        out.appendBigEndian(graphicsMode)
        for i in 0..<3 { out.appendBigEndian(i < opColor.count ? opColor[i] : 0) }
    }
}
