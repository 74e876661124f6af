/// One ISO BMFF box as a value: it parses itself from the bytes a `Box` locates and writes itself back, so
/// the reader and the writer of a box are one type and cannot drift apart (ISO/IEC 14496-12).
///
/// Every box the project reads or writes conforms, one type per file under this target; boxes the
/// project does not model are kept whole as `RawBox` so that reading and writing a file loses nothing.
/// Common Encryption boxes (ISO/IEC 23001-7: `sinf` with `frma`/`schm`/`schi`+`tenc`, `pssh`, `senc`,
/// `saiz`, `saio`, and the `encv`/`enca` sample entries) are to be added beside these, in an
/// `Encryption/` folder, each conforming to this protocol.
protocol MP4Box: Equatable, Sendable {
    /// The four-character type this value is written as (sample entries take it from the value).
    var boxType: String { get }
    /// Parses the box `box` locates inside `bytes`; errors name the box and the byte offset.
    init(_ box: Box, in bytes: [UInt8]) throws
    /// Appends the payload: everything after the size and type (for a full box, starting with version and flags).
    func writePayload(to out: inout [UInt8])
}

extension MP4Box {
    /// The whole box: 32-bit size, type, payload.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    func write(to out: inout [UInt8]) {
        let start = out.count
        out.appendBigEndian(UInt32(0))  // patched below, once the payload's length is known
        out.appendFourCC(boxType)
        writePayload(to: &out)
        out.patchBigEndian(UInt32(truncatingIfNeeded: out.count - start), at: start)
    }

    /// Reads `bytes` as exactly one box of this type (the round-trip tests' entry point).
    static func decode(_ bytes: [UInt8]) throws -> Self {
        let boxes = try Box.children(of: bytes, in: 0..<bytes.count, parent: "file")
        guard boxes.count == 1, let box = boxes.first else {
            throw MP4Error.malformed(box: "file", reason: "expected one box, found \(boxes.count)")
        }
        return try Self(box, in: bytes)
    }
}

/// A box the project does not model (e.g. `udta`, `edts`, `btrt`, `pasp`), kept byte for byte so a
/// container read and written again still holds it.
struct RawBox: MP4Box {
    var type: String
    var payload: [UInt8]

    var boxType: String { type }

    init(type: String, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        type = box.type
        payload = Array(bytes[box.payload])
    }

    func writePayload(to out: inout [UInt8]) { out += payload }
}
