import MediaCore

/// The display size of an H.264 sequence parameter set, read by MediaCore's one SPS parser
/// (`H264SequenceParameterSet`, which encryption also uses), with its errors in the live vocabulary.
enum SPSReader {
    static func pictureSize(nalUnit: [UInt8]) throws -> (width: Int, height: Int) {
        do {
            let sps = try H264SequenceParameterSet(nal: nalUnit)
            return (sps.width, sps.height)
        } catch H264Error.truncated {
            throw LiveError.truncated("a sequence parameter set")
        } catch let error as H264Error {
            throw LiveError.malformedMedia(error.description)
        }
    }
}
