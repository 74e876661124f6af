import Foundation
import TestSupport

/// ffprobe's view of a file, the independent oracle the probe is compared with, field by field.
struct FFprobeOracle {
    let format: [String: Any]
    let streams: [[String: Any]]

    init(_ url: URL) throws {
        let json = try ffprobeJSON(url.path)
        format = json["format"] as? [String: Any] ?? [:]
        streams = json["streams"] as? [[String: Any]] ?? []
    }

    /// Luma bit depth of every pixel format, from `ffprobe -show_pixel_formats` (not from our code).
    static let pixelFormatDepths: [String: Int] = {
        guard let result = try? run("ffprobe", ["-v", "error", "-show_pixel_formats", "-of", "json"]),
              let object = try? JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any],
              let formats = object["pixel_formats"] as? [[String: Any]] else { return [:] }
        var depths: [String: Int] = [:]
        for format in formats {
            guard let name = format["name"] as? String,
                  let components = format["components"] as? [[String: Any]],
                  let first = components.first(where: { ($0["index"] as? Int) == 1 }) ?? components.first,
                  let depth = first["bit_depth"] as? Int else { continue }
            depths[name] = depth
        }
        return depths
    }()
}

extension Dictionary where Key == String, Value == Any {
    /// A string field, nil when absent or one of ffprobe's "no value" spellings.
    func text(_ key: String) -> String? {
        guard let value = self[key] else { return nil }
        let string = "\(value)"
        return ["", "unknown", "N/A", "0/0"].contains(string) ? nil : string
    }

    func int(_ key: String) -> Int? {
        if let number = self[key] as? Int { return number }
        return text(key).flatMap { Int($0) }
    }

    func double(_ key: String) -> Double? { text(key).flatMap { Double($0) } }

    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
}
