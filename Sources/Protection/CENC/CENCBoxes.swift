/// The Common Encryption boxes (ISO/IEC 23001-7 §8) as byte payloads for `BoxNode`.
enum CENCBoxes {
    /// `sinf` for a sample entry whose original format was `format`.
    static func sinf(format: String, scheme: SampleScheme, kid: KeyID, pattern: (crypt: Int, skip: Int), constantIV: [UInt8]) -> BoxNode {
        var schm: [UInt8] = [0, 0, 0, 0]
        schm.append(contentsOf: Array(scheme.fourCC.utf8))
        schm.appendU32(0x0001_0000)
        return .container("sinf", [
            .leaf("frma", Array(format.utf8)),
            .leaf("schm", schm),
            .container("schi", [.leaf("tenc", tenc(scheme: scheme, kid: kid, pattern: pattern, constantIV: constantIV))]),
        ])
    }

    /// `tenc`: version 0 for cenc (8-byte per-sample IVs), version 1 for cbcs (pattern, constant IV).
    static func tenc(scheme: SampleScheme, kid: KeyID, pattern: (crypt: Int, skip: Int), constantIV: [UInt8]) -> [UInt8] {
        switch scheme {
        case .cenc:
            return [0, 0, 0, 0, 0, 0, 1, 8] + kid.bytes
        case .cbcs:
            return [1, 0, 0, 0, 0, UInt8(pattern.crypt << 4 | pattern.skip), 1, 0] + kid.bytes + [UInt8(constantIV.count)] + constantIV
        }
    }

    /// A version 1 `pssh` naming `kids` for `system`, with the system's own `data`.
    static func pssh(system: KeyID, kids: [KeyID], data: [UInt8] = []) -> BoxNode {
        var payload: [UInt8] = [1, 0, 0, 0] + system.bytes
        payload.appendU32(UInt32(kids.count))
        for kid in kids { payload += kid.bytes }
        payload.appendU32(UInt32(data.count))
        payload += data
        return .leaf("pssh", payload)
    }

    /// `senc` with one entry per sample; flag 0x2 when entries carry subsamples.
    static func senc(_ entries: [SampleEncryptionEntry]) -> BoxNode {
        let subsamples = entries.contains { $0.subsamples != nil }
        var payload: [UInt8] = [0, 0, 0, subsamples ? 2 : 0]
        payload.appendU32(UInt32(entries.count))
        for entry in entries {
            payload += entry.iv
            if subsamples {
                let list = entry.subsamples ?? []
                payload.appendU16(UInt16(list.count))
                for item in list {
                    payload.appendU16(UInt16(item.clearBytes))
                    payload.appendU32(UInt32(item.protectedBytes))
                }
            }
        }
        return .leaf("senc", payload)
    }

    /// Each sample's auxiliary information size: its `senc` entry without the box header.
    static func infoSizes(_ entries: [SampleEncryptionEntry]) -> [Int] {
        let subsamples = entries.contains { $0.subsamples != nil }
        return entries.map { $0.iv.count + (subsamples ? 2 + 6 * ($0.subsamples?.count ?? 0) : 0) }
    }

    static func saiz(_ sizes: [Int]) -> BoxNode {
        var payload: [UInt8] = [0, 0, 0, 0]
        if let first = sizes.first, first > 0, sizes.allSatisfy({ $0 == first }) {
            payload.append(UInt8(first))
            payload.appendU32(UInt32(sizes.count))
        } else {
            payload.append(0)
            payload.appendU32(UInt32(sizes.count))
            payload += sizes.map { UInt8(clamping: $0) }
        }
        return .leaf("saiz", payload)
    }

    /// `saio` with one offset (patched once the `senc` position in the `moof` is known).
    static func saio(offset: UInt32) -> BoxNode {
        var payload: [UInt8] = [0, 0, 0, 0]
        payload.appendU32(1)
        payload.appendU32(offset)
        return .leaf("saio", payload)
    }
}
