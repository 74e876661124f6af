/// H.264 in Annex B form (MPEG-TS): NAL units separated by 00 00 01 start codes.
enum AnnexB {
    /// The sequence and picture parameter sets (NAL types 7 and 8) of an access unit, as Annex B bytes
    /// (each with a 4-byte start code): the codec configuration of a stream whose container has none.
    static func parameterSets(in bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for unit in units(bytes) where !unit.isEmpty && [7, 8].contains(unit[unit.startIndex] & 0x1F) {
            result += [0, 0, 0, 1] + unit
        }
        return result
    }

    /// The NAL units of `bytes`, without start codes (trailing zero bytes of a 4-byte start code dropped).
    static func units(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
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
        return starts.enumerated().map { index, start in
            var end = index + 1 < starts.count ? starts[index + 1].code : bytes.count
            while end > start.payload, bytes[end - 1] == 0 { end -= 1 }
            return bytes[start.payload ..< end]
        }
    }
}
