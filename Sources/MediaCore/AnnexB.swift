/// H.264 in Annex B form (start codes, as MPEG-TS carries it). Both the live SRT path and `ingest --copy`
/// of MPEG-TS read it; what each builds from the units (length-prefixed samples, an avcC, the parameter
/// sets) lives with them.
public enum AnnexB {
    /// The NAL units of `bytes` (split at 00 00 01), without start codes. Trailing zero bytes are dropped
    /// (the first zero of a 4-byte start code, trailing_zero_8bits): a NAL unit never ends in 0x00
    /// (H.264 7.4.1). Empty units are left out.
    public static func nalUnits(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var starts: [(code: Int, payload: Int)] = []
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == 0, bytes[i + 1] == 0, bytes[i + 2] == 1 {
                starts.append((i, i + 3))
                i += 3
            } else {
                i += 1
            }
        }
        return starts.enumerated().compactMap { index, start in
            var end = index + 1 < starts.count ? starts[index + 1].code : bytes.count
            while end > start.payload, bytes[end - 1] == 0 { end -= 1 }
            return end > start.payload ? bytes[start.payload ..< end] : nil
        }
    }

    /// An AVCDecoderConfigurationRecord (what MP4's `avcC` and RTMP's sequence header hold) with 4-byte
    /// NAL lengths, one SPS and one PPS: built from MPEG-TS's in-band parameter sets (SRT) and from
    /// x264's extradata (live transcode rungs).
    public static func avcC(sps: [UInt8], pps: [UInt8]) -> [UInt8]? {
        guard sps.count >= 4, !pps.isEmpty, sps.count <= 0xFFFF, pps.count <= 0xFFFF else { return nil }
        var record: [UInt8] = [1, sps[1], sps[2], sps[3], 0xFF, 0xE1]
        record.appendBigEndian(UInt16(sps.count))
        record += sps
        record.append(1)
        record.appendBigEndian(UInt16(pps.count))
        record += pps
        return record
    }

    /// Annex B units as one MP4 sample: each unit prefixed with its 4-byte length (parameter sets and
    /// access unit delimiters left out, as the sample entry carries the former).
    public static func lengthPrefixedSample(_ bytes: [UInt8]) -> (sample: [UInt8], hasIDR: Bool) {
        var sample: [UInt8] = []
        sample.reserveCapacity(bytes.count + 16)
        var hasIDR = false
        for unit in nalUnits(bytes) {
            let type = unit.first! & 0x1F
            if type == 7 || type == 8 || type == 9 { continue }
            if type == 5 { hasIDR = true }
            sample.appendBigEndian(UInt32(unit.count))
            sample += unit
        }
        return (sample, hasIDR)
    }
}
