/// `saiz` (ISO/IEC 14496-12 §8.7.8): how many bytes of auxiliary information (here: the `senc` entry)
/// each sample has; one default when they are all the same size.
struct SampleAuxiliaryInformationSizesBox: MP4Box {
    /// Flag 1: the information type and its parameter (`cenc`, 0) are written out.
    var auxInfoType: (type: String, parameter: UInt32)?
    var defaultSampleInfoSize: UInt8
    var sampleCount: UInt32
    /// One per sample when `defaultSampleInfoSize` is 0; empty otherwise.
    var sampleInfoSizes: [UInt8]

    var boxType: String { "saiz" }

    /// Sizes as the `senc` entries give them; a default when they are all equal.
    init(sizes: [Int]) {
        sampleCount = UInt32(sizes.count)
        if let first = sizes.first, first > 0, first <= 255, sizes.allSatisfy({ $0 == first }) {
            defaultSampleInfoSize = UInt8(first)
            sampleInfoSizes = []
        } else {
            defaultSampleInfoSize = 0
            sampleInfoSizes = sizes.map { UInt8(clamping: $0) }
        }
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (_, flags) = try r.fullBoxHeader()
        if flags & 1 != 0 { auxInfoType = (try r.fourCC(), try r.u32()) }
        defaultSampleInfoSize = try r.u8()
        sampleCount = try r.u32()
        if defaultSampleInfoSize == 0 {
            guard Int(sampleCount) <= r.remaining else {
                throw MP4Error.malformed(box: "saiz", reason: "\(sampleCount) sizes do not fit in \(r.remaining) bytes")
            }
            sampleInfoSizes = try r.read(Int(sampleCount))
        } else {
            sampleInfoSizes = []
        }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: auxInfoType != nil ? 1 : 0)
        if let auxInfoType {
            out.appendFourCC(auxInfoType.type)
            out.appendBigEndian(auxInfoType.parameter)
        }
        out.append(defaultSampleInfoSize)
        out.appendBigEndian(sampleCount)
        if defaultSampleInfoSize == 0 { out += sampleInfoSizes }
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.auxInfoType?.type == rhs.auxInfoType?.type && lhs.auxInfoType?.parameter == rhs.auxInfoType?.parameter
            && lhs.defaultSampleInfoSize == rhs.defaultSampleInfoSize && lhs.sampleCount == rhs.sampleCount
            && lhs.sampleInfoSizes == rhs.sampleInfoSizes
    }
}
