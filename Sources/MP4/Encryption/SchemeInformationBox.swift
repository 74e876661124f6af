/// `schi` (ISO/IEC 14496-12 §8.12.6): the scheme's own data; for Common Encryption, the `tenc`.
struct SchemeInformationBox: MP4Box {
    var trackEncryption: TrackEncryptionBox?
    var others: [RawBox] = []

    var boxType: String { "schi" }

    init(trackEncryption: TrackEncryptionBox) { self.trackEncryption = trackEncryption }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        trackEncryption = try children.first("tenc").map { try TrackEncryptionBox($0, in: bytes) }
        others = try children.raw(except: ["tenc"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        trackEncryption?.write(to: &out)
        others.write(to: &out)
    }
}
