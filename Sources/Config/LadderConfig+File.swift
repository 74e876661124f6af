import Foundation
import MediaCore
import Yams

extension LadderConfig {
    /// Reads and checks a ladder file. Unknown keys, wrong types and impossible ladders (heights not
    /// increasing, odd heights, zero bitrates) are errors naming the file, line and key path.
    public static func load(contentsOf url: URL, displayPath: String? = nil) throws -> LadderConfig {
        let file = displayPath ?? url.path
        let text = try YAMLNodes.readText(url, file: file)
        return try parse(text, file: file)
    }

    /// Parses ladder YAML text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> LadderConfig {
        guard let root = try YAMLNodes.compose(text, file: file) else {
            throw ConfigError.invalidValue(origin: file, key: "rungs", reason: "is missing: the ladder file is empty")
        }
        var top = try MappingReader(root, path: nil, file: file)
        let defaults = LadderConfig(rungs: [])
        var ladder = defaults
        ladder.segmentSeconds = try top.double("segment_seconds", 0.5...60) ?? defaults.segmentSeconds
        ladder.preset = try top.choice("preset", LadderConfig.presets) ?? defaults.preset
        ladder.maxFrameRate = try top.double("max_frame_rate", 1...300) ?? defaults.maxFrameRate
        if let audioNode = top.take("audio") {
            var audio = try MappingReader(audioNode, path: "audio", file: file)
            ladder.audio.codec = try audio.choice("codec", LadderAudio.codecs) ?? ladder.audio.codec
            ladder.audio.bitrateKbps = try audio.int("bitrate_kbps", 16...512) ?? ladder.audio.bitrateKbps
            ladder.audio.sampleRate = try audio.int("sample_rate", 8_000...96_000) ?? ladder.audio.sampleRate
            ladder.audio.channels = try audio.int("channels", 1...8) ?? ladder.audio.channels
            try audio.finish()
        }
        guard let rungsNode = top.take("rungs") else {
            throw ConfigError.invalidValue(origin: file, key: "rungs", reason: "is missing: list at least one rung")
        }
        ladder.rungs = try rungs(rungsNode, file: file)
        try top.finish()
        return ladder
    }

    private static func rungs(_ node: Node, file: String) throws -> [LadderRung] {
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: node), key: "rungs",
                                        expected: "a non-empty list of rungs", found: YAMLNodes.describe(node))
        }
        var result: [LadderRung] = []
        for (index, item) in sequence.enumerated() {
            let path = "rungs[\(index)]"
            var reader = try MappingReader(item, path: path, file: file)
            let height = try reader.int("height", 16...8640)
            let kbps = try reader.int("video_kbps", 50...500_000)
            let profileText = try reader.choice("profile", ["baseline", "main", "high"])
            try reader.finish()
            guard let height, let kbps, let profile = profileText.flatMap(H264Profile.init(rawValue:)) else {
                throw ConfigError.invalidValue(origin: YAMLNodes.origin(file: file, node: item), key: path,
                                               reason: "needs height, video_kbps and profile")
            }
            let origin = YAMLNodes.origin(file: file, node: item)
            if height % 2 != 0 {
                throw ConfigError.invalidValue(origin: origin, key: "\(path).height", reason: "must be even (H.264 4:2:0), found \(height)")
            }
            if let last = result.last, height <= last.height {
                throw ConfigError.invalidValue(origin: origin, key: "\(path).height",
                                               reason: "must be greater than the previous rung's \(last.height): list rungs from smallest to largest")
            }
            result.append(LadderRung(height: height, videoKbps: kbps, profile: profile))
        }
        return result
    }
}
