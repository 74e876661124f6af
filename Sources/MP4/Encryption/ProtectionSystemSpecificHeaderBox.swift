/// `pssh` (ISO/IEC 23001-7 §8.1): what one DRM system needs to find or build a licence. Version 1 lists
/// the key ids it covers (the W3C common system, which ClearKey players read, is only that list).
struct ProtectionSystemSpecificHeaderBox: MP4Box {
    var version: UInt8
    /// 16 bytes.
    var systemID: [UInt8]
    /// Version 1 only; 16 bytes each.
    var keyIDs: [[UInt8]]
    var data: [UInt8]

    var boxType: String { "pssh" }

    init(systemID: [UInt8], keyIDs: [[UInt8]], data: [UInt8] = []) {
        version = keyIDs.isEmpty ? 0 : 1
        self.systemID = systemID
        self.keyIDs = keyIDs
        self.data = data
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (version, _) = try r.fullBoxHeader()
        systemID = try r.read(16)
        keyIDs = []
        if version > 0 {
            let count = Int(try r.u32())
            guard count * 16 <= r.remaining else {
                throw MP4Error.malformed(box: "pssh", reason: "\(count) key ids do not fit in \(r.remaining) bytes")
            }
            for _ in 0..<count { keyIDs.append(try r.read(16)) }
        }
        let size = Int(try r.u32())
        data = try r.read(size)
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: version, flags: 0)
        out += systemID
        if version > 0 {
            out.appendBigEndian(UInt32(keyIDs.count))
            for kid in keyIDs { out += kid }
        }
        out.appendBigEndian(UInt32(data.count))
        out += data
    }
}
