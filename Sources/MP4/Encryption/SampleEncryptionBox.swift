/// `senc` (ISO/IEC 23001-7 §7.2): each sample's IV and subsample map, in the `traf` of the fragment that
/// holds the samples. Flag 2 says the entries carry subsamples.
///
/// The box does not record the IV size (that is in `tenc`); a reader that knows it passes it, and the
/// plain reader takes the size (8, 16 or 0) with which the entries fill the payload exactly.
struct SampleEncryptionBox: MP4Box {
    var entries: [SampleEncryptionEntry]
    var usesSubsamples: Bool

    var boxType: String { "senc" }

    init(entries: [SampleEncryptionEntry]) {
        self.entries = entries
        usesSubsamples = entries.contains { $0.subsamples != nil }
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var lastError: Error = MP4Error.malformed(box: "senc", reason: "no IV size fits the entries")
        for size in [8, 16, 0] {
            do {
                self = try SampleEncryptionBox(box, in: bytes, ivSize: size)
                return
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    init(_ box: Box, in bytes: [UInt8], ivSize: Int) throws {
        var r = box.reader(bytes)
        let (_, flags) = try r.fullBoxHeader()
        usesSubsamples = flags & 2 != 0
        let count = Int(try r.u32())
        let smallest = ivSize + (usesSubsamples ? 2 : 0)
        guard count * smallest <= r.remaining else {
            throw MP4Error.malformed(box: "senc", reason: "\(count) entries of at least \(smallest) bytes do not fit in \(r.remaining) bytes")
        }
        entries = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let iv = try r.read(ivSize)
            var subsamples: [Subsample]?
            if usesSubsamples {
                let subsampleCount = Int(try r.u16())
                subsamples = try (0..<subsampleCount).map { _ in
                    Subsample(clearBytes: Int(try r.u16()), protectedBytes: Int(try r.u32()))
                }
            }
            entries.append(SampleEncryptionEntry(iv: iv, subsamples: subsamples))
        }
        guard r.isAtEnd else {
            throw MP4Error.malformed(box: "senc", reason: "\(r.remaining) bytes after \(count) entries with \(ivSize)-byte IVs")
        }
    }

    /// Each sample's auxiliary information size (`saiz`): its entry without the box header.
    var infoSizes: [Int] {
        entries.map { $0.iv.count + (usesSubsamples ? 2 + 6 * ($0.subsamples?.count ?? 0) : 0) }
    }

    /// From the start of the box to the first entry (size, type, version and flags, sample count).
    static let entriesOffset = 16

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: usesSubsamples ? 2 : 0)
        out.appendBigEndian(UInt32(entries.count))
        for entry in entries {
            out += entry.iv
            guard usesSubsamples else { continue }
            let list = entry.subsamples ?? []
            out.appendBigEndian(UInt16(truncatingIfNeeded: list.count))
            for item in list {
                out.appendBigEndian(UInt16(truncatingIfNeeded: item.clearBytes))
                out.appendBigEndian(UInt32(truncatingIfNeeded: item.protectedBytes))
            }
        }
    }
}
