import Foundation
import MediaCore

/// `mediaserve probe --json`: a stable document for scripts.
///
/// Stable means: keys sorted, pretty-printed, every key below always present (null when the file does not
/// say or the field does not apply to the stream type), names never change within one `schema`.
///
/// Top level: `schema` (1), `path`, `container` (libavformat short names, e.g. "mov,mp4,m4a,3gp,3g2,mj2"),
/// `container_long_name`, `duration` (seconds), `bit_rate` (bits/s), `size` (bytes), `streams`.
/// Each stream: `index`, `type` (video|audio|subtitle|data|attachment|unknown), `codec`, `codec_long_name`,
/// `profile`, `width`, `height` (coded), `display_width`, `display_height` (SAR and rotation applied),
/// `sample_aspect_ratio`, `display_aspect_ratio` ("16:9"), `frame_rate` ("30000/1001"), `pixel_format`,
/// `bit_depth`, `field_order` (progressive|tt|bb|tb|bt), `interlaced`, `rotation` (clockwise degrees:
/// 0|90|180|270), `bit_rate`, `channels`, `channel_layout`, `sample_rate`, `language`, `duration`,
/// `attached_picture` (a cover image, not the video to encode).
enum ProbeJSON {
    static let schema = 1

    static func render(_ probe: SourceProbe) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(document(probe))
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError.cannotWrite("probe JSON") }
        return text
    }

    static func document(_ probe: SourceProbe) -> JSONValue {
        .object([
            "schema": .int(schema),
            "path": .string(probe.path),
            "container": .string(probe.container),
            "container_long_name": JSONValue(probe.containerLongName),
            "duration": JSONValue(probe.duration),
            "bit_rate": JSONValue(probe.bitRate),
            "size": JSONValue(probe.size.map { Int($0) }),
            "streams": .array(probe.streams.map(stream)),
        ])
    }

    static func stream(_ s: StreamProbe) -> JSONValue {
        let display = s.displaySize
        return .object([
            "index": .int(s.index),
            "type": .string(s.type.rawValue),
            "codec": .string(s.codec),
            "codec_long_name": JSONValue(s.codecLongName),
            "profile": JSONValue(s.profile),
            "width": JSONValue(s.width),
            "height": JSONValue(s.height),
            "display_width": JSONValue(display?.width),
            "display_height": JSONValue(display?.height),
            "sample_aspect_ratio": JSONValue(s.sampleAspectRatio.map(ratio)),
            "display_aspect_ratio": JSONValue(s.displayAspectRatio.map(ratio)),
            "frame_rate": JSONValue(s.frameRate.map { "\($0.numerator)/\($0.denominator)" }),
            "pixel_format": JSONValue(s.pixelFormat),
            "bit_depth": JSONValue(s.bitDepth),
            "field_order": JSONValue(s.fieldOrder),
            "interlaced": s.type == .video ? .bool(s.isInterlaced) : .null,
            "rotation": JSONValue(s.rotation),
            "bit_rate": JSONValue(s.bitRate),
            "channels": JSONValue(s.channels),
            "channel_layout": JSONValue(s.channelLayout),
            "sample_rate": JSONValue(s.sampleRate),
            "language": JSONValue(s.language),
            "duration": JSONValue(s.duration),
            "attached_picture": .bool(s.isAttachedPicture),
        ])
    }

    static func ratio(_ r: Rational) -> String { "\(r.numerator):\(r.denominator)" }
}

/// A JSON value whose nulls are written out (synthesized Codable drops nil keys, which would make the
/// document's shape depend on the file).
enum JSONValue: Encodable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(_ value: String?) { self = value.map(JSONValue.string) ?? .null }
    init(_ value: Int?) { self = value.map(JSONValue.int) ?? .null }
    init(_ value: Double?) { self = value.map(JSONValue.double) ?? .null }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
