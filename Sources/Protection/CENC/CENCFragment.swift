/// Encrypts the samples of a clear CMAF media segment in place and adds, to each `traf`, the `senc`
/// with the samples' IVs and subsample maps and the `saiz`/`saio` that point at it. The `mdat` keeps its
/// size; each `trun` data offset grows by what the `moof` grew. Fragments must use
/// default-base-is-moof (every CMAF fragment does).
public enum CENCFragment {
    /// `encryptors` by track id; `cencIVBase` is the 8-byte IV of the segment's first sample (cenc).
    public static func encrypt(_ clear: [UInt8], tracks: [ProtectedTrack], encryptors: [UInt32: SampleEncryptor],
                               cencIVBase: [UInt8]) throws -> [UInt8] {
        var bytes = clear
        var out: [UInt8] = []
        out.reserveCapacity(clear.count + 4096)
        var offset = 0
        var sampleCounter: UInt64 = 0
        while offset < clear.count {
            guard clear.count - offset >= 8 else { throw ProtectionError.badSampleMap(reason: "stray bytes at the end of the segment") }
            var size = Int(readU32(clear, offset))
            if size == 1 { size = Int(readU64(clear, offset + 8)) } else if size == 0 { size = clear.count - offset }
            guard size >= 8, size <= clear.count - offset else {
                throw ProtectionError.badSampleMap(reason: "top-level box at \(offset) has size \(size)")
            }
            let type = String(decoding: clear[(offset + 4)..<(offset + 8)], as: UTF8.self)
            if type == "moof" {
                let moof = try BoxNode.parse(clear, range: offset..<(offset + size), parent: "segment")[0]
                let rewritten = try encryptFragment(moof, at: offset, bytes: &bytes, tracks: tracks, encryptors: encryptors,
                                                    ivBase: cencIVBase, counter: &sampleCounter)
                rewritten.write(to: &out)
            } else {
                out.append(contentsOf: bytes[offset..<(offset + size)])
            }
            offset += size
        }
        return out
    }

    private struct TrafPlan {
        var entries: [SampleEncryptionEntry]
    }

    private static func encryptFragment(_ moof: BoxNode, at moofOffset: Int, bytes: inout [UInt8], tracks: [ProtectedTrack],
                                        encryptors: [UInt32: SampleEncryptor], ivBase: [UInt8], counter: inout UInt64) throws -> BoxNode {
        var moof = moof
        var plans: [Int: TrafPlan] = [:]
        for (index, traf) in (moof.children ?? []).enumerated() where traf.type == "traf" {
            guard let tfhd = traf.first("tfhd"), tfhd.prefix.count >= 8 else { throw ProtectionError.badSampleMap(reason: "traf without tfhd") }
            let flags = readU32(tfhd.prefix, 0) & 0xFFFFFF
            let trackID = readU32(tfhd.prefix, 4)
            guard flags & 0x1 == 0 else { throw ProtectionError.badSampleMap(reason: "fragment uses an absolute base data offset (not CMAF)") }
            guard let encryptor = encryptors[trackID], let track = tracks.first(where: { $0.trackID == trackID }) else { continue }
            var field = 8
            if flags & 0x2 != 0 { field += 4 }
            if flags & 0x8 != 0 { field += 4 }
            let defaultSize = flags & 0x10 != 0 ? readU32(tfhd.prefix, field) : track.defaultSampleSize
            var entries: [SampleEncryptionEntry] = []
            var dataPosition = moofOffset
            for trun in traf.children ?? [] where trun.type == "trun" {
                let p = trun.prefix
                let trunFlags = readU32(p, 0) & 0xFFFFFF
                let count = Int(readU32(p, 4))
                var cursor = 8
                if trunFlags & 0x1 != 0 {
                    dataPosition = moofOffset + Int(Int32(bitPattern: readU32(p, cursor)))
                    cursor += 4
                }
                if trunFlags & 0x4 != 0 { cursor += 4 }
                for _ in 0..<count {
                    if trunFlags & 0x100 != 0 { cursor += 4 }
                    var sampleSize = defaultSize
                    if trunFlags & 0x200 != 0 { sampleSize = readU32(p, cursor); cursor += 4 }
                    if trunFlags & 0x400 != 0 { cursor += 4 }
                    if trunFlags & 0x800 != 0 { cursor += 4 }
                    let range = dataPosition..<(dataPosition + Int(sampleSize))
                    guard range.upperBound <= bytes.count, cursor <= p.count else {
                        throw ProtectionError.badSampleMap(reason: "track \(trackID): a sample runs past the end of the segment")
                    }
                    let iv = encryptor.scheme == .cenc ? IVDerivation.adding(counter, to: ivBase) : []
                    counter += 1
                    entries.append(try encryptor.encryptSample(&bytes, range: range, iv: iv))
                    dataPosition = range.upperBound
                }
            }
            plans[index] = TrafPlan(entries: entries)
        }
        let oldSize = moof.size
        // Add saiz, saio, senc after tfdt (or tfhd).
        var children = moof.children ?? []
        for (index, plan) in plans {
            var trafChildren = children[index].children ?? []
            let anchor = (trafChildren.firstIndex { $0.type == "tfdt" } ?? trafChildren.firstIndex { $0.type == "tfhd" } ?? 0) + 1
            trafChildren.insert(contentsOf: [CENCBoxes.saiz(CENCBoxes.infoSizes(plan.entries)), CENCBoxes.saio(offset: 0),
                                             CENCBoxes.senc(plan.entries)], at: anchor)
            children[index].children = trafChildren
        }
        moof.children = children
        let growth = moof.size - oldSize
        // Patch data offsets (the mdat moved by `growth`) and saio (where senc's first entry lies in the moof).
        var position = 8 + moof.prefix.count
        for index in children.indices {
            if children[index].type == "traf" {
                var inner = position + 8
                var trafChildren = children[index].children ?? []
                var sencData = 0
                for (childIndex, child) in trafChildren.enumerated() {
                    if child.type == "senc" { sencData = inner + 8 + 8 }
                    if child.type == "trun", readU32(child.prefix, 0) & 0x1 != 0 {
                        let old = Int32(bitPattern: readU32(child.prefix, 8))
                        trafChildren[childIndex].prefix.writeU32(UInt32(bitPattern: old + Int32(growth)), at: 8)
                    }
                    inner += child.size
                }
                if let saio = trafChildren.firstIndex(where: { $0.type == "saio" }), plans[index] != nil {
                    trafChildren[saio].prefix.writeU32(UInt32(sencData), at: 8)
                }
                children[index].children = trafChildren
            }
            position += children[index].size
        }
        moof.children = children
        return moof
    }
}
