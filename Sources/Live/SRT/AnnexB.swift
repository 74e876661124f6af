/// H.264 in Annex B form (start codes, as MPEG-TS carries it) turned into what MP4 wants: length-prefixed
/// NAL units, and an AVCDecoderConfigurationRecord built from the in-band SPS and PPS.
enum AnnexB {
    /// NAL units between start codes (00 00 01 or 00 00 00 01), without the start codes.
    static func nalUnits(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var units: [ArraySlice<UInt8>] = []
        var index = 0
        var start: Int?
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                if let start {
                    var end = index
                    if end > start, bytes[end - 1] == 0 { end -= 1 }  // the zero of a 4-byte start code
                    units.append(bytes[start..<end])
                }
                index += 3
                start = index
            } else {
                index += 1
            }
        }
        if let start, start < bytes.count { units.append(bytes[start...]) }
        return units.filter { !$0.isEmpty }
    }

    /// An AVCDecoderConfigurationRecord with 4-byte NAL lengths, one SPS and one PPS.
    static func avcC(sps: [UInt8], pps: [UInt8]) -> [UInt8]? {
        guard sps.count >= 4, !pps.isEmpty, sps.count <= 0xFFFF, pps.count <= 0xFFFF else { return nil }
        var record: [UInt8] = [1, sps[1], sps[2], sps[3], 0xFF, 0xE1]
        record.appendBigEndian(UInt16(sps.count))
        record += sps
        record.append(1)
        record.appendBigEndian(UInt16(pps.count))
        record += pps
        return record
    }
}

/// AAC in ADTS frames (as MPEG-TS carries it): each frame's 7- or 9-byte header gives the
/// AudioSpecificConfig, and the rest is the raw frame MP4 stores.
enum ADTS {
    static let sampleRates = AudioSpecificConfig.sampleRates

    struct Frame {
        var audioSpecificConfig: [UInt8]
        var sampleRate: Int
        var payload: [UInt8]
    }

    /// Every ADTS frame in `bytes`; throws on a lost sync word or a frame that runs past the end.
    static func frames(_ bytes: [UInt8]) throws -> [Frame] {
        var frames: [Frame] = []
        var offset = 0
        while offset + 7 <= bytes.count {
            guard bytes[offset] == 0xFF, bytes[offset + 1] & 0xF0 == 0xF0 else {
                throw LiveError.malformedMedia("ADTS sync word missing at byte \(offset)")
            }
            let protectionAbsent = bytes[offset + 1] & 0x01 == 1
            let profile = Int(bytes[offset + 2] >> 6)
            let rateIndex = Int((bytes[offset + 2] >> 2) & 0x0F)
            let channels = Int((bytes[offset + 2] & 0x01) << 2 | bytes[offset + 3] >> 6)
            let length = Int(bytes[offset + 3] & 0x03) << 11 | Int(bytes[offset + 4]) << 3 | Int(bytes[offset + 5] >> 5)
            let header = protectionAbsent ? 7 : 9
            guard rateIndex < sampleRates.count, length > header, offset + length <= bytes.count else {
                throw LiveError.malformedMedia("ADTS frame of \(length) bytes at byte \(offset) does not fit")
            }
            let objectType = profile + 1
            let asc: [UInt8] = [UInt8(objectType << 3 | rateIndex >> 1), UInt8((rateIndex & 1) << 7 | channels << 3)]
            frames.append(Frame(audioSpecificConfig: asc, sampleRate: sampleRates[rateIndex],
                                payload: Array(bytes[(offset + header)..<(offset + length)])))
            offset += length
        }
        return frames
    }
}
