/// `minf` (ISO/IEC 14496-12 §8.4.4): the media-type header (`vmhd` or `smhd`), where the data is
/// (`dinf`) and the sample table.
struct MediaInformationBox: MP4Box {
    var videoHeader: VideoMediaHeaderBox?
    var soundHeader: SoundMediaHeaderBox?
    var dataInformation: DataInformationBox?
    var sampleTable: SampleTableBox
    var others: [RawBox] = []

    var boxType: String { "minf" }

    init(videoHeader: VideoMediaHeaderBox? = nil, soundHeader: SoundMediaHeaderBox? = nil,
         dataInformation: DataInformationBox, sampleTable: SampleTableBox) {
        self.videoHeader = videoHeader
        self.soundHeader = soundHeader
        self.dataInformation = dataInformation
        self.sampleTable = sampleTable
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        videoHeader = try children.first("vmhd").map { try VideoMediaHeaderBox($0, in: bytes) }
        soundHeader = try children.first("smhd").map { try SoundMediaHeaderBox($0, in: bytes) }
        dataInformation = try children.first("dinf").map { try DataInformationBox($0, in: bytes) }
        sampleTable = try SampleTableBox(try children.require("stbl", in: "moov/trak/mdia/minf"), in: bytes)
        others = try children.raw(except: ["vmhd", "smhd", "dinf", "stbl"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        videoHeader?.write(to: &out)
        soundHeader?.write(to: &out)
        dataInformation?.write(to: &out)
        sampleTable.write(to: &out)
        others.write(to: &out)
    }
}
