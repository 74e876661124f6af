/// How long an H.264 slice header is (7.3.3), so encryption can leave it readable: ISO/IEC 23001-7
/// (§9.5 for NAL-structured video, §10.2 for `cbcs`) keeps the NAL header and the slice header clear and
/// protects only slice data. The header's length depends on its SPS and PPS and on its own fields
/// (reference list changes, weight tables, marking operations), so it is parsed, not guessed.
public enum H264SliceHeader {
    /// Bits from the first bit of the NAL unit (its header byte included) to the end of the slice header,
    /// counted in the unescaped payload.
    /// `prefixBytes` is how much of the escaped payload is tried first (tests pass a tiny one to check the
    /// fallback to the whole payload gives the same lengths).
    public static func bitLength<C: Collection>(nal: C, parameterSets: H264ParameterSets, prefixBytes: Int = 256) throws -> Int
        where C.Element == UInt8 {
        guard let header = nal.first else { throw H264Error.truncated }
        // A slice header is tens of bytes and the slice data behind it up to megabytes: unescape a prefix
        // first (its bits are the first bits of the whole payload, so the reading is the same), and the
        // whole payload only when the header runs past it. Unescaping every slice whole was most of the
        // time of a cenc/cbcs segment (docs/perf-notes.md).
        let payload = nal.dropFirst()
        if payload.count > prefixBytes {
            do {
                return try bitLength(header: header, rbsp: H264RBSP.unescaped(payload.prefix(prefixBytes)), parameterSets: parameterSets)
            } catch H264Error.truncated {}
        }
        return try bitLength(header: header, rbsp: H264RBSP.unescaped(payload), parameterSets: parameterSets)
    }

    private static func bitLength(header: UInt8, rbsp: [UInt8], parameterSets: H264ParameterSets) throws -> Int {
        let nalType = Int(header & 0x1F), nalRefIdc = Int(header >> 5) & 3
        guard (1...5).contains(nalType) else { throw H264Error.malformed("NAL unit type \(nalType) is not a slice") }
        let idr = nalType == 5
        var r = BitReader(rbsp)
        _ = try r.ue()  // first_mb_in_slice
        let sliceType = try r.ue(in: 0...9, "slice_type") % 5
        let (p, b, i, sp, si) = (sliceType == 0, sliceType == 1, sliceType == 2, sliceType == 3, sliceType == 4)
        let ppsID = try r.ue(in: 0...255, "pic_parameter_set_id")
        guard let pps = parameterSets.picture[ppsID] else { throw H264Error.missingParameterSet("PPS \(ppsID)") }
        guard let sps = parameterSets.sequence[pps.spsID] else { throw H264Error.missingParameterSet("SPS \(pps.spsID)") }
        if sps.separateColourPlane { _ = try r.bits(2) }  // colour_plane_id
        _ = try r.bits(sps.log2MaxFrameNum)  // frame_num
        var fieldPic = false
        if !sps.frameMbsOnly {
            fieldPic = try r.flag()
            if fieldPic { _ = try r.bit() }  // bottom_field_flag
        }
        if idr { _ = try r.ue() }  // idr_pic_id
        if sps.picOrderCntType == 0 {
            _ = try r.bits(sps.log2MaxPicOrderCntLsb)
            if pps.bottomFieldPicOrderInFramePresent && !fieldPic { _ = try r.se() }
        }
        if sps.picOrderCntType == 1 && !sps.deltaPicOrderAlwaysZero {
            _ = try r.se()
            if pps.bottomFieldPicOrderInFramePresent && !fieldPic { _ = try r.se() }
        }
        if pps.redundantPicCntPresent { _ = try r.ue() }
        if b { _ = try r.bit() }  // direct_spatial_mv_pred_flag
        var refs = (l0: pps.numRefIdxL0DefaultActive, l1: pps.numRefIdxL1DefaultActive)
        if p || sp || b, try r.flag() {  // num_ref_idx_active_override_flag
            refs.l0 = try r.ue(in: 0...31, "num_ref_idx_l0_active_minus1") + 1
            if b { refs.l1 = try r.ue(in: 0...31, "num_ref_idx_l1_active_minus1") + 1 }
        }
        // ref_pic_list_modification (7.3.3.1)
        for list in 0..<2 where (list == 0 && !i && !si) || (list == 1 && b) {
            guard try r.flag() else { continue }
            var operations = 0
            while true {
                let idc = try r.ue(in: 0...5, "modification_of_pic_nums_idc")
                if idc == 3 { break }
                _ = try r.ue()
                operations += 1
                guard operations <= 64 else { throw H264Error.malformed("endless ref_pic_list_modification") }
            }
        }
        // pred_weight_table (7.3.3.2)
        if (pps.weightedPred && (p || sp)) || (pps.weightedBipredIdc == 1 && b) {
            _ = try r.ue()  // luma_log2_weight_denom
            if sps.chromaArrayType != 0 { _ = try r.ue() }
            for count in b ? [refs.l0, refs.l1] : [refs.l0] {
                for _ in 0..<count {
                    if try r.flag() { _ = try r.se(); _ = try r.se() }
                    if sps.chromaArrayType != 0, try r.flag() { for _ in 0..<4 { _ = try r.se() } }
                }
            }
        }
        // dec_ref_pic_marking (7.3.3.3)
        if nalRefIdc != 0 {
            if idr {
                _ = try r.bits(2)  // no_output_of_prior_pics_flag, long_term_reference_flag
            } else if try r.flag() {
                var operations = 0
                while true {
                    let mmco = try r.ue(in: 0...6, "memory_management_control_operation")
                    if mmco == 0 { break }
                    if mmco == 1 || mmco == 3 { _ = try r.ue() }
                    if mmco == 2 { _ = try r.ue() }
                    if mmco == 3 || mmco == 6 { _ = try r.ue() }
                    if mmco == 4 { _ = try r.ue() }
                    operations += 1
                    guard operations <= 64 else { throw H264Error.malformed("endless dec_ref_pic_marking") }
                }
            }
        }
        if pps.entropyCodingMode && !i && !si { _ = try r.ue() }  // cabac_init_idc
        _ = try r.se()  // slice_qp_delta
        if sp || si {
            if sp { _ = try r.bit() }  // sp_for_switch_flag
            _ = try r.se()  // slice_qs_delta
        }
        if pps.deblockingFilterControlPresent {
            if try r.ue(in: 0...2, "disable_deblocking_filter_idc") != 1 { _ = try r.se(); _ = try r.se() }
        }
        if pps.numSliceGroups > 1 && (3...5).contains(pps.sliceGroupMapType) {
            let changes = (sps.picSizeInMapUnits + pps.sliceGroupChangeRate - 1) / pps.sliceGroupChangeRate
            _ = try r.bits(H264PictureParameterSet.ceilLog2(changes + 1))  // slice_group_change_cycle
        }
        return 8 + r.position
    }

    /// Bytes of the stored (escaped) NAL unit that hold its header and the whole slice header.
    public static func byteLength<C: Collection>(nal: C, parameterSets: H264ParameterSets) throws -> Int where C.Element == UInt8 {
        let bits = try bitLength(nal: nal, parameterSets: parameterSets)
        let rbspBytes = (bits - 8 + 7) / 8
        return 1 + H264RBSP.escapedLength(of: rbspBytes, in: nal.dropFirst())
    }
}
