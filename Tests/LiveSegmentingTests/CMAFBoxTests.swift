import Foundation
import Testing
import TestSupport
@testable import LiveSegmenting
import MP4
@testable import RTMP

/// The CMAF writers read back with the tests' own box reader, and by ffprobe.
@Suite struct CMAFBoxTests {
    // The avcC of `ffmpeg -f lavfi -i testsrc2=s=320x180:r=25 -c:v libx264 -f flv` (copied from its first video tag) and a 44.1 kHz stereo AAC-LC ASC.
    static let avcC: [UInt8] = [
        0x01, 0x64, 0x00, 0x0C, 0xFF, 0xE1, 0x00, 0x1A, 0x67, 0x64, 0x00, 0x0C, 0xAC, 0xD9, 0x41, 0x41, 0x9F, 0x9F,
        0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0x20, 0xF1, 0x42, 0x99, 0x60, 0x01, 0x00,
        0x06, 0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0, 0xFD, 0xF8, 0xF8, 0x00,
    ]
    static let asc: [UInt8] = [0x12, 0x10]

    /// The tracks the live segmenter makes from these configurations.
    static var videoTrack: CMAFTrack {
        let config = AVCConfig(avcC)!
        return CMAFTrack(timescale: 90_000, codecString: config.codecString, media: .video(avcC: config.record, width: 320, height: 180))
    }

    static var audioTrack: CMAFTrack {
        let config = AudioSpecificConfig(asc)!
        return CMAFTrack(timescale: 44_100, codecString: config.codecString,
                         media: .audio(audioSpecificConfig: config.bytes, channels: config.channels, sampleRate: config.sampleRate))
    }

    @Test func parsesTheRealSPS() throws {
        let config = try #require(AVCConfig(Self.avcC))
        #expect(config.nalLengthSize == 4)
        #expect(config.sps.count == 1 && config.pps.count == 1)
        #expect(config.pictureSize?.width == 320)
        #expect(config.pictureSize?.height == 180)
        #expect(config.codecString == "avc1.64000C")
        let audio = try #require(AudioSpecificConfig(Self.asc))
        #expect(audio.sampleRate == 44100 && audio.channels == 2 && audio.codecString == "mp4a.40.2")
    }

    @Test func initSegmentBoxTree() throws {
        let track = Self.videoTrack
        let boxes = TestBox.parse(CMAFWriter.initSegment(track))
        #expect(boxes.map(\.type) == ["ftyp", "moov"])
        let moov = boxes[1]
        #expect(moov.children.map(\.type) == ["mvhd", "trak", "mvex"])
        #expect(moov.find("trak")?.children.map(\.type) == ["tkhd", "mdia"])
        #expect(moov.find("mdia")?.children.map(\.type) == ["mdhd", "hdlr", "minf"])
        #expect(moov.find("minf")?.children.map(\.type) == ["vmhd", "dinf", "stbl"])
        #expect(moov.find("stbl")?.children.map(\.type) == ["stsd", "stts", "stsc", "stsz", "stco"])
        let mdhd = try #require(moov.find("mdhd"))
        #expect(TestBox.be(mdhd.body, 12, 4) == 90_000)
        let stsd = try #require(moov.find("stsd"))
        // stsd: version/flags, count, then the avc1 entry whose last child is our avcC, byte for byte.
        let avc1 = TestBox.parse(Array(stsd.body.dropFirst(8)))
        #expect(avc1.first?.type == "avc1")
        let avcCBox = TestBox.parse(Array(avc1[0].body.dropFirst(78)))
        #expect(avcCBox.first?.type == "avcC")
        #expect(avcCBox.first?.body == Self.avcC)
    }

    @Test func fragmentRoundTripsThroughTheReader() throws {
        let track = Self.videoTrack
        let samples = [
            CMAFSample(duration: 3600, compositionOffset: 7200, isSync: true, data: [0, 0, 0, 1, 0x65]),
            CMAFSample(duration: 3600, compositionOffset: -3600, isSync: false, data: [0, 0, 0, 2, 0x41, 0x9A]),
            CMAFSample(duration: 3000, compositionOffset: 0, isSync: false, data: [0, 0, 0, 1, 0x01]),
        ]
        let bytes = CMAFWriter.mediaSegment(track, sequenceNumber: 42, baseMediaDecodeTime: 1 << 33, samples: samples)
        let directory = try temporaryDirectory("boxes")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("seg.m4s")
        try Data(bytes).write(to: file)
        let facts = try SegmentFacts(file: file)
        #expect(facts.sequenceNumber == 42)
        #expect(facts.baseMediaDecodeTime == 1 << 33)
        #expect(facts.sampleDurations == [3600, 3600, 3000])
        #expect(facts.sampleFlags == [0x0200_0000, 0x0101_0000, 0x0101_0000])
        #expect(facts.mdatSize == 16)
        // The trun data offset must land on the first sample byte inside mdat.
        let moof = try #require(TestBox.parse(bytes).first)
        let trun = try #require(moof.find("trun"))
        let offset = Int(TestBox.be(trun.body, 8, 4))
        #expect(Array(bytes[offset..<(offset + 5)]) == [0, 0, 0, 1, 0x65])
    }

    @Test func ffprobeReadsTheInitSegments() throws {
        let directory = try temporaryDirectory("init")
        defer { try? FileManager.default.removeItem(at: directory) }
        let video = directory.appendingPathComponent("video.mp4"), audio = directory.appendingPathComponent("audio.mp4")
        try Data(CMAFWriter.initSegment(Self.videoTrack))
            .write(to: video)
        try Data(CMAFWriter.initSegment(Self.audioTrack)).write(to: audio)
        let v = try ffprobeJSON(video.path)
        let vs = try #require((v["streams"] as? [[String: Any]])?.first)
        #expect(vs["codec_name"] as? String == "h264")
        #expect(vs["width"] as? Int == 320 && vs["height"] as? Int == 180)
        #expect(vs["extradata_size"] as? Int == Self.avcC.count)  // the avcC arrived whole
        #expect(vs["codec_tag_string"] as? String == "avc1")
        let a = try ffprobeJSON(audio.path)
        let stream = try #require((a["streams"] as? [[String: Any]])?.first)
        #expect(stream["codec_name"] as? String == "aac")
        #expect(stream["sample_rate"] as? String == "44100")
        #expect(stream["channels"] as? Int == 2)
    }
}
