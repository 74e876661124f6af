/// What the fragment encryptor needs to know about one track of an init segment.
public struct ProtectedTrack: Hashable, Sendable {
    public var trackID: UInt32
    /// The clear sample entry type (`avc1`, `mp4a`, ...), kept in `frma`.
    public var format: String
    public var layout: SampleLayout
    /// `trex` default sample size, for fragments whose `trun` has no sizes.
    public var defaultSampleSize: UInt32
}

/// Turns a clear CMAF init segment into its encrypted form: each sample entry becomes `encv`/`enca`
/// with `sinf` (`frma`, `schm`, `schi`/`tenc`), and the `moov` gets a `pssh` per DRM system (always the
/// W3C common PSSH, which ClearKey players read the key ids from).
public enum CENCInit {
    public static func tracks(of bytes: [UInt8]) throws -> [ProtectedTrack] {
        let top = try BoxNode.parse(bytes, range: 0..<bytes.count, parent: "file")
        guard let moov = top.first(where: { $0.type == "moov" }) else {
            throw ProtectionError.badSampleMap(reason: "the init segment has no moov")
        }
        var defaults: [UInt32: UInt32] = [:]
        for trex in moov.find(["mvex"])?.children?.filter({ $0.type == "trex" }) ?? [] where trex.prefix.count >= 20 {
            defaults[readU32(trex.prefix, 4)] = readU32(trex.prefix, 16)
        }
        return try (moov.children ?? []).filter { $0.type == "trak" }.map { trak in
            guard let tkhd = trak.first("tkhd"), tkhd.prefix.count >= 24 else {
                throw ProtectionError.badSampleMap(reason: "a trak has no readable tkhd")
            }
            let trackID = readU32(tkhd.prefix, tkhd.prefix[0] == 1 ? 20 : 12)
            guard let entry = trak.find(["mdia", "minf", "stbl", "stsd"])?.children?.first else {
                throw ProtectionError.badSampleMap(reason: "track \(trackID) has no sample entry")
            }
            return ProtectedTrack(trackID: trackID, format: entry.type, layout: try layout(of: entry),
                                  defaultSampleSize: defaults[trackID] ?? 0)
        }
    }

    static func layout(of entry: BoxNode) throws -> SampleLayout {
        switch entry.type {
        case "avc1", "avc3":
            guard let avcC = entry.first("avcC"), avcC.prefix.count > 4 else {
                throw ProtectionError.badSampleMap(reason: "\(entry.type) sample entry has no avcC")
            }
            return .avc(lengthSize: Int(avcC.prefix[4] & 3) + 1)
        case "hvc1", "hev1":
            guard let hvcC = entry.first("hvcC"), hvcC.prefix.count > 21 else {
                throw ProtectionError.badSampleMap(reason: "\(entry.type) sample entry has no hvcC")
            }
            return .hevc(lengthSize: Int(hvcC.prefix[21] & 3) + 1)
        case "encv", "enca":
            throw ProtectionError.badSampleMap(reason: "the init segment is already encrypted")
        default:
            return .wholeSample
        }
    }

    /// The encrypted init. `extraPSSH` are whole `pssh` boxes from a key server.
    public static func encrypt(_ bytes: [UInt8], scheme: SampleScheme, kid: KeyID, constantIV: [UInt8],
                               extraPSSH: [[UInt8]] = []) throws -> [UInt8] {
        var top = try BoxNode.parse(bytes, range: 0..<bytes.count, parent: "file")
        guard let moovIndex = top.firstIndex(where: { $0.type == "moov" }) else {
            throw ProtectionError.badSampleMap(reason: "the init segment has no moov")
        }
        try top[moovIndex].edit(["trak", "mdia", "minf", "stbl", "stsd"]) { stsd in
            guard var entries = stsd.children else { return }
            for index in entries.indices {
                let layout = try layout(of: entries[index])
                let video = layout != .wholeSample || ["vp09", "av01"].contains(entries[index].type)
                let pattern = scheme == .cbcs && video ? (1, 9) : (0, 0)
                let format = entries[index].type
                entries[index].type = isVisual(format) ? "encv" : "enca"
                entries[index].children = (entries[index].children ?? []) + [
                    CENCBoxes.sinf(format: format, scheme: scheme, kid: kid, pattern: pattern,
                                   constantIV: scheme == .cbcs ? constantIV : []),
                ]
            }
            stsd.children = entries
        }
        var psshBoxes = [CENCBoxes.pssh(system: DRMSystem.commonPSSH.id, kids: [kid])]
        for box in extraPSSH {
            psshBoxes += try BoxNode.parse(box, range: 0..<box.count, parent: "pssh").filter { $0.type == "pssh" }
        }
        top[moovIndex].children = (top[moovIndex].children ?? []) + psshBoxes
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 512)
        for node in top { node.write(to: &out) }
        return out
    }

    /// The W3C common `pssh` box (version 1, the key id listed) as bytes, for MPDs (`cenc:pssh`).
    public static func commonPSSH(kid: KeyID) -> [UInt8] {
        var out: [UInt8] = []
        CENCBoxes.pssh(system: DRMSystem.commonPSSH.id, kids: [kid]).write(to: &out)
        return out
    }

    static func isVisual(_ format: String) -> Bool {
        ["avc1", "avc3", "hvc1", "hev1", "vp09", "av01"].contains(format)
    }
}
