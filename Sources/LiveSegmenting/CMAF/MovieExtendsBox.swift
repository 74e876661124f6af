/// `mvex` with one `trex` per track: announces that samples come in movie fragments.
enum MovieExtendsBox {
    static func encode(trackID: UInt32) -> [UInt8] {
        var trex: [UInt8] = []
        trex.appendBigEndian(trackID)
        trex.appendBigEndian(UInt32(1))  // default_sample_description_index
        trex.appendBigEndian(UInt32(0))  // default_sample_duration
        trex.appendBigEndian(UInt32(0))  // default_sample_size
        trex.appendBigEndian(UInt32(0))  // default_sample_flags
        return Box.box("mvex", Box.fullBox("trex", version: 0, flags: 0, trex))
    }
}
