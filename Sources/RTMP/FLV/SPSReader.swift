/// Reads bits MSB-first, throwing at the end instead of trapping.
struct BitReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func bit() throws -> Int {
        guard position < bytes.count * 8 else { throw LiveError.truncated("a bit field") }
        defer { position += 1 }
        return Int(bytes[position >> 3] >> (7 - UInt8(position & 7)) & 1)
    }

    mutating func bits(_ count: Int) throws -> Int {
        var value = 0
        for _ in 0..<count { value = value << 1 | (try bit()) }
        return value
    }

    /// Exp-Golomb unsigned (ue(v)); more than 31 leading zeros is not a valid H.264 syntax element.
    mutating func ue() throws -> Int {
        var zeros = 0
        while try bit() == 0 {
            zeros += 1
            guard zeros < 32 else { throw LiveError.malformedMedia("exp-Golomb code longer than 32 bits") }
        }
        return (1 << zeros) - 1 + (try bits(zeros))
    }

    mutating func se() throws -> Int {
        let code = try ue()
        return code & 1 == 1 ? (code + 1) / 2 : -(code / 2)
    }
}

/// The part of an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1) that gives the picture size.
enum SPSReader {
    static let highProfiles: Set<Int> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    static func pictureSize(nalUnit: [UInt8]) throws -> (width: Int, height: Int) {
        var bits = BitReader(removeEmulationPrevention(Array(nalUnit.dropFirst())))
        let profile = try bits.bits(8)
        _ = try bits.bits(16)  // constraint flags, level
        _ = try bits.ue()  // seq_parameter_set_id
        var chromaFormat = 1
        var separateColourPlane = 0
        if highProfiles.contains(profile) {
            chromaFormat = try bits.ue()
            if chromaFormat == 3 { separateColourPlane = try bits.bit() }
            _ = try bits.ue()  // bit_depth_luma_minus8
            _ = try bits.ue()  // bit_depth_chroma_minus8
            _ = try bits.bit()  // qpprime_y_zero_transform_bypass_flag
            if try bits.bit() == 1 {
                for index in 0..<(chromaFormat == 3 ? 12 : 8) where try bits.bit() == 1 {
                    try skipScalingList(&bits, size: index < 6 ? 16 : 64)
                }
            }
        }
        _ = try bits.ue()  // log2_max_frame_num_minus4
        let pocType = try bits.ue()
        if pocType == 0 {
            _ = try bits.ue()
        } else if pocType == 1 {
            _ = try bits.bit()
            _ = try bits.se()
            _ = try bits.se()
            let cycle = try bits.ue()
            guard cycle <= 255 else { throw LiveError.malformedMedia("SPS with \(cycle) reference frames in a POC cycle") }
            for _ in 0..<cycle { _ = try bits.se() }
        }
        _ = try bits.ue()  // max_num_ref_frames
        _ = try bits.bit()  // gaps_in_frame_num_value_allowed_flag
        let widthInMbs = try bits.ue() + 1
        let heightInMapUnits = try bits.ue() + 1
        let frameMbsOnly = try bits.bit()
        if frameMbsOnly == 0 { _ = try bits.bit() }
        _ = try bits.bit()  // direct_8x8_inference_flag
        var crop = (left: 0, right: 0, top: 0, bottom: 0)
        if try bits.bit() == 1 {
            crop = (try bits.ue(), try bits.ue(), try bits.ue(), try bits.ue())
        }
        let chromaArray = separateColourPlane == 1 ? 0 : chromaFormat
        let subWidth = chromaArray == 1 || chromaArray == 2 ? 2 : 1
        let subHeight = chromaArray == 1 ? 2 : 1
        let cropUnitX = chromaArray == 0 ? 1 : subWidth
        let cropUnitY = (chromaArray == 0 ? 1 : subHeight) * (2 - frameMbsOnly)
        let width = widthInMbs * 16 - (crop.left + crop.right) * cropUnitX
        let height = (2 - frameMbsOnly) * heightInMapUnits * 16 - (crop.top + crop.bottom) * cropUnitY
        guard width > 0, height > 0 else { throw LiveError.malformedMedia("SPS picture size \(width)x\(height)") }
        return (width, height)
    }

    private static func skipScalingList(_ bits: inout BitReader, size: Int) throws {
        var last = 8, next = 8
        for _ in 0..<size where next != 0 {
            next = (last + (try bits.se()) + 256) % 256
            last = next == 0 ? last : next
        }
    }

    /// Drops the 0x03 of every 0x00 0x00 0x03 sequence (emulation prevention bytes).
    static func removeEmulationPrevention(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var zeros = 0
        for byte in bytes {
            if zeros >= 2, byte == 3 { zeros = 0; continue }
            zeros = byte == 0 ? zeros + 1 : 0
            out.append(byte)
        }
        return out
    }
}
