import MediaCore
import RTMP

/// AAC in ADTS frames (as MPEG-TS carries it): each frame's 7- or 9-byte header gives the
/// AudioSpecificConfig, and the rest is the raw frame MP4 stores.
enum ADTS {
    static let sampleRates = AudioSpecificConfig.sampleRates

    struct Frame {
        var audioSpecificConfig: [UInt8]
        var sampleRate: Int
        var payload: [UInt8]
    }

    /// Every ADTS frame in `bytes`; throws on a lost sync word or a frame that runs past the end.
    static func frames(_ bytes: [UInt8]) throws -> [Frame] {
        var frames: [Frame] = []
        var offset = 0
        while offset + 7 <= bytes.count {
            guard let header = ADTSHeader(bytes, at: offset) else {
                throw LiveError.malformedMedia("ADTS sync word missing at byte \(offset)")
            }
            guard header.frameLength > header.length, offset + header.frameLength <= bytes.count else {
                throw LiveError.malformedMedia("ADTS frame of \(header.frameLength) bytes at byte \(offset) does not fit")
            }
            frames.append(Frame(audioSpecificConfig: header.audioSpecificConfig, sampleRate: sampleRates[header.samplingFrequencyIndex],
                                payload: Array(bytes[(offset + header.length)..<(offset + header.frameLength)])))
            offset += header.frameLength
        }
        return frames
    }
}
