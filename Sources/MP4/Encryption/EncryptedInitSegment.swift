/// Turns a clear CMAF init segment into its Common Encryption form (ISO/IEC 23001-7): each sample entry
/// becomes `encv`/`enca` with a `sinf` (`frma`, `schm`, `schi`/`tenc`), and the `moov` gets one `pssh`
/// per DRM system. Every other box is written back as it was read.
public enum EncryptedInitSegment {
    public static func tracks(_ bytes: [UInt8]) throws -> [ProtectableTrack] {
        let moov = try movie(bytes).moov
        var defaults: [UInt32: UInt32] = [:]
        for trex in moov.extends?.trackExtends ?? [] { defaults[trex.trackID] = trex.defaultSampleSize }
        return try moov.tracks.map { trak in
            let trackID = trak.header.trackID
            guard let entry = trak.media.information?.sampleTable.description.entries.first else {
                throw MP4Error.missingBox(path: "moov/trak/mdia/minf/stbl/stsd (track \(trackID))")
            }
            return try describe(entry, trackID: trackID, defaultSampleSize: defaults[trackID] ?? 0)
        }
    }

    /// The encrypted init; `protection` says how each track is protected.
    public static func encrypt(_ bytes: [UInt8], protection: (ProtectableTrack) throws -> TrackProtection,
                               systems: [ProtectionSystemHeader]) throws -> [UInt8] {
        let protectable = Dictionary(try tracks(bytes).map { ($0.trackID, $0) }, uniquingKeysWith: { first, _ in first })
        var (top, moov) = try movie(bytes)
        for index in moov.tracks.indices {
            guard var minf = moov.tracks[index].media.information, let track = protectable[moov.tracks[index].header.trackID] else { continue }
            let settings = try protection(track)
            minf.sampleTable.description.entries = minf.sampleTable.description.entries.map { entry in
                let sinf = ProtectionSchemeInfoBox(originalFormat: entry.boxType, scheme: settings.scheme,
                                                   trackEncryption: settings.trackEncryption)
                return .protected(ProtectedSampleEntry(original: entry, scheme: sinf))
            }
            moov.tracks[index].media.information = minf
        }
        moov.protectionSystems += systems.map { ProtectionSystemSpecificHeaderBox(systemID: $0.systemID, keyIDs: $0.keyIDs, data: $0.data) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 512)
        for box in top {
            if box.type == "moov" { moov.write(to: &out) } else { out += bytes[box.offset..<box.payload.upperBound] }
        }
        return out
    }

    private static func movie(_ bytes: [UInt8]) throws -> (top: [Box], moov: MovieBox) {
        let top = try Box.children(of: bytes, in: 0..<bytes.count, parent: "init")
        return (top, try MovieBox(try top.require("moov", in: ""), in: bytes))
    }

    private static func describe(_ entry: SampleEntry, trackID: UInt32, defaultSampleSize: UInt32) throws -> ProtectableTrack {
        var track = ProtectableTrack(trackID: trackID, format: entry.boxType, isVisual: false, nalLengthSize: nil,
                                     decoderConfiguration: [], defaultSampleSize: defaultSampleSize)
        switch entry {
        case .visual(let visual):
            track.isVisual = true
            guard visual.configuration.record.count > 4 else { throw MP4Error.malformed(box: "avcC", reason: "shorter than 5 bytes") }
            track.nalLengthSize = Int(visual.configuration.record[4] & 3) + 1
            track.decoderConfiguration = visual.configuration.record
        case .audio:
            break
        case .protected:
            throw MP4Error.malformed(box: entry.boxType, reason: "track \(trackID) is already encrypted")
        case .other(let raw):
            track.isVisual = ProtectedSampleEntry.protectedType(of: entry) == "encv"
            if raw.type == "hvc1" || raw.type == "hev1" {
                // hvcC's lengthSizeMinusOne is in its 22nd byte; the entry's fixed fields are 78 bytes.
                let payload = raw.payload
                let children = try Box.children(of: payload, in: min(78, payload.count)..<payload.count, parent: raw.type)
                let hvcC = try children.require("hvcC", in: raw.type)
                guard hvcC.payload.count > 21 else { throw MP4Error.malformed(box: "hvcC", reason: "shorter than 22 bytes") }
                track.nalLengthSize = Int(payload[hvcC.payload.lowerBound + 21] & 3) + 1
                track.decoderConfiguration = Array(payload[hvcC.payload])
            }
        }
        return track
    }
}
