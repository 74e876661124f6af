/// The fields of an H.264 sequence parameter set (7.3.2.1.1) that a slice header's layout depends on, and
/// the display size (cropping applied) that a live stream's init segment announces.
public struct H264SequenceParameterSet: Hashable, Sendable {
    public var id: Int
    public var separateColourPlane: Bool
    public var chromaArrayType: Int
    public var log2MaxFrameNum: Int
    public var picOrderCntType: Int
    public var log2MaxPicOrderCntLsb: Int
    public var deltaPicOrderAlwaysZero: Bool
    public var frameMbsOnly: Bool
    public var picSizeInMapUnits: Int
    /// Display size in pixels: the coded macroblocks less the frame cropping rectangle.
    public var width: Int
    public var height: Int

    static let highProfiles: Set<Int> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    /// `nal` is the whole NAL unit (header byte first), as stored.
    public init<C: Collection>(nal: C) throws where C.Element == UInt8 {
        var r = BitReader(H264RBSP.unescaped(nal.dropFirst()))
        let profile = try r.bits(8)
        _ = try r.bits(16)  // constraint flags, level_idc
        id = try r.ue(in: 0...31, "seq_parameter_set_id")
        var chromaFormat = 1
        separateColourPlane = false
        if Self.highProfiles.contains(profile) {
            chromaFormat = try r.ue(in: 0...3, "chroma_format_idc")
            if chromaFormat == 3 { separateColourPlane = try r.flag() }
            _ = try r.ue()  // bit_depth_luma_minus8
            _ = try r.ue()  // bit_depth_chroma_minus8
            _ = try r.bit()  // qpprime_y_zero_transform_bypass_flag
            if try r.flag() {
                for index in 0..<(chromaFormat == 3 ? 12 : 8) where try r.flag() {
                    var last = 8, next = 8
                    for _ in 0..<(index < 6 ? 16 : 64) where next != 0 {
                        next = (last + (try r.se()) + 256) % 256
                        last = next == 0 ? last : next
                    }
                }
            }
        }
        chromaArrayType = separateColourPlane ? 0 : chromaFormat
        log2MaxFrameNum = try r.ue(in: 0...12, "log2_max_frame_num_minus4") + 4
        picOrderCntType = try r.ue(in: 0...2, "pic_order_cnt_type")
        log2MaxPicOrderCntLsb = 0
        deltaPicOrderAlwaysZero = false
        if picOrderCntType == 0 {
            log2MaxPicOrderCntLsb = try r.ue(in: 0...12, "log2_max_pic_order_cnt_lsb_minus4") + 4
        } else if picOrderCntType == 1 {
            deltaPicOrderAlwaysZero = try r.flag()
            _ = try r.se()
            _ = try r.se()
            let cycle = try r.ue(in: 0...255, "num_ref_frames_in_pic_order_cnt_cycle")
            for _ in 0..<cycle { _ = try r.se() }
        }
        _ = try r.ue()  // max_num_ref_frames
        _ = try r.bit()  // gaps_in_frame_num_value_allowed_flag
        let widthInMbs = try r.ue(in: 0...1023, "pic_width_in_mbs_minus1") + 1
        let heightInMapUnits = try r.ue(in: 0...1023, "pic_height_in_map_units_minus1") + 1
        picSizeInMapUnits = widthInMbs * heightInMapUnits
        frameMbsOnly = try r.flag()
        if !frameMbsOnly { _ = try r.bit() }  // mb_adaptive_frame_field_flag
        _ = try r.bit()  // direct_8x8_inference_flag
        var crop = (left: 0, right: 0, top: 0, bottom: 0)
        if try r.flag() {
            crop = (try r.ue(in: 0...8191, "frame_crop_left_offset"), try r.ue(in: 0...8191, "frame_crop_right_offset"),
                    try r.ue(in: 0...8191, "frame_crop_top_offset"), try r.ue(in: 0...8191, "frame_crop_bottom_offset"))
        }
        let fieldFactor = frameMbsOnly ? 1 : 2
        let cropUnitX = chromaArrayType == 0 ? 1 : (chromaArrayType == 3 ? 1 : 2)
        let cropUnitY = (chromaArrayType == 1 ? 2 : 1) * fieldFactor
        width = widthInMbs * 16 - (crop.left + crop.right) * cropUnitX
        height = fieldFactor * heightInMapUnits * 16 - (crop.top + crop.bottom) * cropUnitY
        guard width > 0, height > 0 else { throw H264Error.malformed("SPS picture size \(width)x\(height) after cropping") }
    }
}

/// The fields of an H.264 picture parameter set (7.3.2.2) that a slice header's layout depends on.
public struct H264PictureParameterSet: Hashable, Sendable {
    public var id: Int
    public var spsID: Int
    public var entropyCodingMode: Bool
    public var bottomFieldPicOrderInFramePresent: Bool
    public var numSliceGroups: Int
    public var sliceGroupMapType: Int
    public var sliceGroupChangeRate: Int
    public var numRefIdxL0DefaultActive: Int
    public var numRefIdxL1DefaultActive: Int
    public var weightedPred: Bool
    public var weightedBipredIdc: Int
    public var deblockingFilterControlPresent: Bool
    public var redundantPicCntPresent: Bool

    public init<C: Collection>(nal: C) throws where C.Element == UInt8 {
        var r = BitReader(H264RBSP.unescaped(nal.dropFirst()))
        id = try r.ue(in: 0...255, "pic_parameter_set_id")
        spsID = try r.ue(in: 0...31, "seq_parameter_set_id")
        entropyCodingMode = try r.flag()
        bottomFieldPicOrderInFramePresent = try r.flag()
        numSliceGroups = try r.ue(in: 0...7, "num_slice_groups_minus1") + 1
        sliceGroupMapType = 0
        sliceGroupChangeRate = 1
        if numSliceGroups > 1 {
            sliceGroupMapType = try r.ue(in: 0...6, "slice_group_map_type")
            switch sliceGroupMapType {
            case 0:
                for _ in 0..<numSliceGroups { _ = try r.ue() }
            case 2:
                for _ in 0..<(2 * (numSliceGroups - 1)) { _ = try r.ue() }
            case 3, 4, 5:
                _ = try r.bit()
                sliceGroupChangeRate = try r.ue(in: 0...(1 << 20), "slice_group_change_rate_minus1") + 1
            case 6:
                let units = try r.ue(in: 0...(1 << 20), "pic_size_in_map_units_minus1") + 1
                let width = Self.ceilLog2(numSliceGroups)
                for _ in 0..<units { _ = try r.bits(width) }
            default:
                break
            }
        }
        numRefIdxL0DefaultActive = try r.ue(in: 0...31, "num_ref_idx_l0_default_active_minus1") + 1
        numRefIdxL1DefaultActive = try r.ue(in: 0...31, "num_ref_idx_l1_default_active_minus1") + 1
        weightedPred = try r.flag()
        weightedBipredIdc = try r.bits(2)
        _ = try r.se()  // pic_init_qp_minus26
        _ = try r.se()  // pic_init_qs_minus26
        _ = try r.se()  // chroma_qp_index_offset
        deblockingFilterControlPresent = try r.flag()
        _ = try r.bit()  // constrained_intra_pred_flag
        redundantPicCntPresent = try r.flag()
    }

    /// Ceil(Log2(value)) for value ≥ 1.
    static func ceilLog2(_ value: Int) -> Int {
        var bits = 0
        while (1 << bits) < value { bits += 1 }
        return bits
    }
}

/// The parameter sets seen so far in a track, by id: from the `avcC` record, then updated by any SPS or
/// PPS that travels in band (`avc3`).
public struct H264ParameterSets: Hashable, Sendable {
    public var sequence: [Int: H264SequenceParameterSet] = [:]
    public var picture: [Int: H264PictureParameterSet] = [:]

    public init() {}

    /// The sets of an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1).
    public init(avcC record: [UInt8]) throws {
        var offset = 5
        func units() throws -> [ArraySlice<UInt8>] {
            guard offset < record.count else { throw H264Error.malformed("avcC ends before its parameter set count") }
            let count = Int(record[offset] & (offset == 5 ? 0x1F : 0xFF))
            offset += 1
            return try (0..<count).map { _ in
                guard offset + 2 <= record.count else { throw H264Error.malformed("avcC parameter set length cut short") }
                let length = Int(record[offset]) << 8 | Int(record[offset + 1])
                offset += 2
                guard length > 0, offset + length <= record.count else { throw H264Error.malformed("avcC parameter set of \(length) bytes overruns the record") }
                defer { offset += length }
                return record[offset..<(offset + length)]
            }
        }
        for sps in try units() { try add(sps) }
        for pps in try units() { try add(pps) }
    }

    /// Adds an SPS (type 7) or PPS (type 8) NAL unit; other units are ignored.
    public mutating func add<C: Collection>(_ nal: C) throws where C.Element == UInt8 {
        guard let header = nal.first else { return }
        switch header & 0x1F {
        case 7:
            let sps = try H264SequenceParameterSet(nal: nal)
            sequence[sps.id] = sps
        case 8:
            let pps = try H264PictureParameterSet(nal: nal)
            picture[pps.id] = pps
        default:
            break
        }
    }
}
