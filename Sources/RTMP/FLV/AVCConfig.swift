import MediaCore

/// An AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1), read only as far as packaging needs:
/// the NAL length size, the parameter sets, and the picture size from the first SPS.
public struct AVCConfig: Equatable, Sendable {
    public var record: [UInt8]
    public var profile: UInt8
    public var constraints: UInt8
    public var level: UInt8
    /// Bytes in each NAL unit's length prefix (1, 2 or 4).
    public var nalLengthSize: Int
    public var sps: [[UInt8]]
    public var pps: [[UInt8]]

    public init?(_ record: [UInt8]) {
        var reader = ByteReader(record)
        guard let version = try? reader.u8(), version == 1,
              let profile = try? reader.u8(), let constraints = try? reader.u8(), let level = try? reader.u8(),
              let lengthByte = try? reader.u8(), let spsCount = try? reader.u8() else { return nil }
        self.record = record
        self.profile = profile
        self.constraints = constraints
        self.level = level
        nalLengthSize = Int(lengthByte & 0x03) + 1
        guard nalLengthSize != 3 else { return nil }
        sps = []
        pps = []
        for _ in 0..<Int(spsCount & 0x1F) {
            guard let length = try? reader.u16(), let unit = try? reader.take(Int(length)) else { return nil }
            sps.append(unit)
        }
        guard let ppsCount = try? reader.u8() else { return nil }
        for _ in 0..<Int(ppsCount) {
            guard let length = try? reader.u16(), let unit = try? reader.take(Int(length)) else { return nil }
            pps.append(unit)
        }
    }

    /// `avc1.PPCCLL`, from the record's own bytes.
    public var codecString: String { CodecString.avc1(avcC: record) ?? CodecString.avc1(profile: profile, constraints: constraints, level: level) }

    /// Display size from the first SPS (cropping applied); nil when the SPS does not parse.
    public var pictureSize: (width: Int, height: Int)? {
        guard let first = sps.first else { return nil }
        return try? SPSReader.pictureSize(nalUnit: first)
    }
}

/// An AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): object type, sample rate and channel count.
public struct AudioSpecificConfig: Equatable, Sendable {
    public static let sampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]

    public var bytes: [UInt8]
    public var objectType: Int
    public var sampleRate: Int
    public var channels: Int

    public init?(_ bytes: [UInt8]) {
        var bits = BitReader(bytes)
        guard var objectType = try? bits.bits(5) else { return nil }
        if objectType == 31 { guard let extra = try? bits.bits(6) else { return nil }; objectType = 32 + extra }
        guard let index = try? bits.bits(4) else { return nil }
        let rate: Int
        if index == 15 {
            guard let explicit = try? bits.bits(24) else { return nil }
            rate = explicit
        } else {
            guard index < AudioSpecificConfig.sampleRates.count else { return nil }
            rate = AudioSpecificConfig.sampleRates[index]
        }
        guard let channels = try? bits.bits(4), objectType > 0, rate > 0 else { return nil }
        self.bytes = bytes
        self.objectType = objectType
        self.sampleRate = rate
        self.channels = channels
    }

    /// `mp4a.40.<object type>`.
    public var codecString: String { CodecString.mp4a(audioSpecificConfig: bytes) ?? "mp4a.40.\(objectType)" }
}
