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
}
