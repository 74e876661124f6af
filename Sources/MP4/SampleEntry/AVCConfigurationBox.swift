import MediaCore

/// `avcC` (ISO/IEC 14496-15 §5.3.3): the AVCDecoderConfigurationRecord, carried byte for byte (the
/// publisher's or the encoder's record); its first bytes give the RFC 6381 codec string.
struct AVCConfigurationBox: MP4Box {
    var record: [UInt8]

    var boxType: String { "avcC" }

    /// `avc1.PPCCLL`, nil when the record is not version 1 with at least four bytes.
    var codecString: String? { CodecString.avc1(avcC: record) }

    init(record: [UInt8]) { self.record = record }

    init(_ box: Box, in bytes: [UInt8]) throws {
        record = Array(bytes[box.payload])
    }

    func writePayload(to out: inout [UInt8]) { out += record }
}
