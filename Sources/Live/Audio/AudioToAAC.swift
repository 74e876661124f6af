import FFmpegKit
import Logging
import MediaCore
import RTMP

/// One publisher's audio on its way to the segmenter, which takes only AAC: MP3, MP2, AC-3 or G.711
/// (`codedAudio` events) is decoded and encoded as AAC-LC by one `AACConverter` per session, and leaves as
/// the `audioConfig` and `audio` events an AAC publisher would have sent; every other event passes as is.
/// Used by both listeners on the task or thread that feeds the publication, in arrival order.
final class AudioToAAC {
    private let stream: SafeName
    private let logger: Logger
    private var converter: AACConverter?
    private var announced: [UInt8]?
    private var failures = 0

    init(stream: SafeName, logger: Logger) {
        self.stream = stream
        self.logger = logger
    }

    /// The events to segment for one that arrived. A source codec this FFmpeg cannot decode ends the
    /// session (thrown, one line); a packet that does not decode is skipped (logged the first times).
    func convert(_ arrived: ArrivedMediaEvent) throws -> [ArrivedMediaEvent] {
        guard case .codedAudio(let coded) = arrived.event else { return [arrived] }
        let converter = try self.converter(for: coded)
        do {
            return events(try converter.convert(coded.data, ptsMs: coded.pts), receivedAt: arrived.receivedAt)
        } catch {
            failures += 1
            if failures <= 3 {
                logger.warning("live audio packet (\(coded.codec)) skipped: \(error)", metadata: ["stream": "\(stream)"])
            }
            return []
        }
    }

    /// The end of the session: the AAC frames the converter still holds.
    func finish(receivedAt: Double) -> [ArrivedMediaEvent] {
        guard let converter else { return [] }
        self.converter = nil
        return events((try? converter.finish()) ?? [], receivedAt: receivedAt)
    }

    private func converter(for coded: CodedAudio) throws -> AACConverter {
        if let converter, converter.codec == coded.codec { return converter }
        do {
            let made = try AACConverter(codec: coded.codec, sampleRate: coded.sampleRate, channels: coded.channels,
                                        subject: "live stream \(stream)")
            logger.info("live audio \(coded.codec) is converted to AAC", metadata: ["stream": "\(stream)"])
            converter = made
            return made
        } catch {
            throw LiveError.unsupportedCodec("audio \(coded.codec) (\(error))")
        }
    }

    private func events(_ frames: [AACConverter.Output], receivedAt: Double) -> [ArrivedMediaEvent] {
        guard !frames.isEmpty, let asc = converter?.audioSpecificConfig ?? announced else { return [] }
        var out: [ArrivedMediaEvent] = []
        if asc != announced {
            announced = asc
            out.append(ArrivedMediaEvent(.audioConfig(asc: asc), receivedAt: receivedAt))
        }
        for frame in frames {
            out.append(ArrivedMediaEvent(.audio(AudioFrame(pts: frame.ptsMs, data: frame.data)), receivedAt: receivedAt))
        }
        return out
    }
}
