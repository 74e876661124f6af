import MediaCore
import MP4

/// What the encryptor knows about a track's samples to cut them into subsamples.
public enum SampleLayout: Hashable, Sendable {
    /// Audio and other non-NAL tracks: the whole sample is protected (no subsamples).
    case wholeSample
    /// AVC (`avc1`/`avc3`) samples: NAL units each prefixed by a big-endian length of `lengthSize` bytes;
    /// `parameterSets` (from `avcC`) give each slice header's length.
    case avc(lengthSize: Int, parameterSets: H264ParameterSets = H264ParameterSets())
    /// HEVC (`hvc1`/`hev1`) samples, the same shape with two-byte NAL headers.
    case hevc(lengthSize: Int)
}

/// Subsample maps for NAL-structured video (ISO/IEC 23001-7 §9.5, "NAL unit structured video", and
/// §10.2 for `cbcs`).
///
/// Length prefixes, NAL headers and every non-VCL NAL (SPS, PPS, SEI, AUD) stay clear, so a player can
/// find and parse units without the key, and so does each slice header: for AVC its length is parsed
/// (H.264 7.3.3, with the SPS/PPS of the `avcC` and any that come in band earlier in the sample), and the
/// protected part starts at the first byte after it. When the header cannot be parsed (a PPS that came in
/// an earlier sample of an `avc3` stream) and for HEVC, `sliceHeaderAllowance` bytes after the NAL header
/// stay clear instead, enough for the slice headers of the streams our encoder writes.
///
/// For `cenc` the protected part of each NAL is trimmed to whole 16-byte blocks (the remainder joins the
/// clear part in front), which every CENC reader accepts; `cbcs` keeps partial blocks in the protected range
/// and leaves them clear by the pattern rule.
public enum SubsampleMap {
    public static let sliceHeaderAllowance = 32

    public static func subsamples(of sample: ArraySlice<UInt8>, layout: SampleLayout, scheme: SampleScheme) throws -> [Subsample]? {
        let lengthSize: Int
        let headerSize: Int
        let isVCL: (UInt8) -> Bool
        var parameterSets: H264ParameterSets?
        switch layout {
        case .wholeSample:
            return nil
        case .avc(let size, let sets):
            lengthSize = size
            headerSize = 1
            isVCL = { byte in (1...5).contains(byte & 0x1F) }
            parameterSets = sets
        case .hevc(let size):
            lengthSize = size
            headerSize = 2
            isVCL = { byte in (byte >> 1) & 0x3F < 32 }
        }
        guard [1, 2, 4].contains(lengthSize) else {
            throw ProtectionError.badSampleMap(reason: "NAL length size \(lengthSize) is not 1, 2 or 4")
        }
        var entries: [Subsample] = []
        var pendingClear = 0
        var offset = sample.startIndex
        while offset < sample.endIndex {
            guard sample.endIndex - offset >= lengthSize else {
                throw ProtectionError.badSampleMap(reason: "truncated NAL length at sample byte \(offset - sample.startIndex)")
            }
            var length = 0
            for i in 0..<lengthSize { length = length << 8 | Int(sample[offset + i]) }
            let nalStart = offset + lengthSize
            guard length > 0, sample.endIndex - nalStart >= length else {
                throw ProtectionError.badSampleMap(reason: "NAL of \(length) bytes at sample byte \(offset - sample.startIndex) overruns the sample")
            }
            let nal = sample[nalStart..<(nalStart + length)]
            var clear = lengthSize + length
            if isVCL(sample[nalStart]) {
                let headerBytes = parameterSets.flatMap { try? H264SliceHeader.byteLength(nal: nal, parameterSets: $0) }
                let keep = min(length, headerBytes ?? headerSize + sliceHeaderAllowance)
                var protected = length - keep
                if scheme == .cenc { protected -= protected % 16 }
                if protected >= 16 { clear = lengthSize + length - protected } else { protected = 0 }
                if protected > 0 {
                    append(clear: pendingClear + clear, protected: protected, to: &entries)
                    pendingClear = 0
                    offset = nalStart + length
                    continue
                }
            } else if parameterSets != nil {
                // In-band SPS/PPS (avc3) replace the avcC's for the slices after them.
                try? parameterSets?.add(nal)
            }
            pendingClear += clear
            offset = nalStart + length
        }
        if pendingClear > 0 { append(clear: pendingClear, protected: 0, to: &entries) }
        return entries
    }
    /// `clearBytes` is 16 bits in `senc`: a longer clear run is split into entries with nothing protected.
    private static func append(clear: Int, protected: Int, to entries: inout [Subsample]) {
        var clear = clear
        while clear > Int(UInt16.max) {
            entries.append(Subsample(clearBytes: Int(UInt16.max), protectedBytes: 0))
            clear -= Int(UInt16.max)
        }
        entries.append(Subsample(clearBytes: clear, protectedBytes: protected))
    }
}
