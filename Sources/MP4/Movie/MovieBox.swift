/// `moov` (ISO/IEC 14496-12 §8.2.1): the movie header, its tracks and, for a fragmented file, `mvex`.
/// Common Encryption puts its `pssh` boxes here, one per DRM system.
struct MovieBox: MP4Box {
    /// Optional when reading: players do not need it, and the reader never required it.
    var header: MovieHeaderBox?
    var tracks: [TrackBox]
    var extends: MovieExtendsBox?
    var protectionSystems: [ProtectionSystemSpecificHeaderBox] = []
    var others: [RawBox] = []

    var boxType: String { "moov" }

    init(header: MovieHeaderBox, tracks: [TrackBox], extends: MovieExtendsBox?) {
        self.header = header
        self.tracks = tracks
        self.extends = extends
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        header = try children.first("mvhd").map { try MovieHeaderBox($0, in: bytes) }
        tracks = try children.filter { $0.type == "trak" }.map { try TrackBox($0, in: bytes) }
        extends = try children.first("mvex").map { try MovieExtendsBox($0, in: bytes) }
        protectionSystems = try children.filter { $0.type == "pssh" }.map { try ProtectionSystemSpecificHeaderBox($0, in: bytes) }
        others = try children.raw(except: ["mvhd", "trak", "mvex", "pssh"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        header?.write(to: &out)
        tracks.write(to: &out)
        extends?.write(to: &out)
        protectionSystems.write(to: &out)
        others.write(to: &out)
    }
}
