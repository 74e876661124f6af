/// `mdia` with `mdhd` (timescale, language `und`), `hdlr` and `minf` (media header, data reference,
/// sample table).
enum MediaBox {
    static func encode(timescale: UInt32, isAudio: Bool, sampleEntry: [UInt8]) -> [UInt8] {
        Box.box("mdia", children: [
            mediaHeader(timescale: timescale),
            handler(isAudio: isAudio),
            mediaInformation(isAudio: isAudio, sampleEntry: sampleEntry),
        ])
    }

    static func mediaHeader(timescale: UInt32) -> [UInt8] {
        var body: [UInt8] = []
        body.appendBigEndian(UInt32(0))  // creation_time
        body.appendBigEndian(UInt32(0))  // modification_time
        body.appendBigEndian(timescale)
        body.appendBigEndian(UInt32(0))  // duration
        body.appendBigEndian(UInt16(0x55C4))  // language 'und' packed as three 5-bit letters
        body.appendBigEndian(UInt16(0))
        return Box.fullBox("mdhd", version: 0, flags: 0, body)
    }

    static func handler(isAudio: Bool) -> [UInt8] {
        var body: [UInt8] = []
        body.appendBigEndian(UInt32(0))  // pre_defined
        body += Box.fourCC(isAudio ? "soun" : "vide")
        body += [UInt8](repeating: 0, count: 12)
        body += Array((isAudio ? "SoundHandler" : "VideoHandler").utf8) + [0]
        return Box.fullBox("hdlr", version: 0, flags: 0, body)
    }

    static func mediaInformation(isAudio: Bool, sampleEntry: [UInt8]) -> [UInt8] {
        let header = isAudio
            ? Box.fullBox("smhd", version: 0, flags: 0, [0, 0, 0, 0])  // balance, reserved
            : Box.fullBox("vmhd", version: 0, flags: 1, [UInt8](repeating: 0, count: 8))  // graphicsmode, opcolor
        let url = Box.fullBox("url ", version: 0, flags: 1, [])  // media is in this file
        let dref = Box.fullBox("dref", version: 0, flags: 0, [0, 0, 0, 1] + url)
        return Box.box("minf", children: [header, Box.box("dinf", dref), SampleTableBox.encode(sampleEntry: sampleEntry)])
    }
}
