import Foundation
import MediaCore
import Yams

/// Reads the streams file named by `live.streams_file`:
///
///     streams:
///       - id: lobby
///         key_env: LOBBY_STREAM_KEY     # or `key: <secret>`
///         mode: sliding                 # or event
///         dvr_window_seconds: 3600
///         backup_key_env: LOBBY_BACKUP_KEY  # optional standby publisher (or `backup_key: <secret>`)
///         low_latency: true             # optional; default live.low_latency.enabled
///
/// The rules are the admin API's (`LiveStreamRules`, `SafeName`); ids and keys must be unique in the file.
/// Errors name the file, line and key path, never a key's value.
public enum LiveStreamsFileReader {
    public static func load(contentsOf url: URL, displayPath: String? = nil,
                            environment: [String: String]) throws -> [ConfiguredLiveStream] {
        let file = displayPath ?? url.path
        let text = try YAMLNodes.readText(url, file: file)
        return try parse(text, file: file, environment: environment)
    }

    /// Parses streams-file text; `file` names it in errors, `environment` answers `key_env`.
    public static func parse(_ text: String, file: String, environment: [String: String]) throws -> [ConfiguredLiveStream] {
        guard let root = try YAMLNodes.compose(text, file: file) else { return [] }
        var top = try MappingReader(root, path: nil, file: file)
        let streamsNode = top.take("streams")
        try top.finish()
        guard let streamsNode else { return [] }
        if case .scalar(let scalar) = streamsNode, scalar.style == .plain, ["", "~", "null"].contains(scalar.string) {
            return []
        }
        guard case .sequence(let sequence) = streamsNode else {
            throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: streamsNode), key: "streams",
                                        expected: "a list of streams (- id: ..., key: ...)", found: YAMLNodes.describe(streamsNode))
        }
        var streams: [ConfiguredLiveStream] = []
        for (index, item) in sequence.enumerated() {
            let stream = try entry(item, path: "streams[\(index)]", file: file, environment: environment)
            if let earlier = streams.first(where: { $0.id == stream.id }) {
                throw ConfigError.invalidValue(origin: stream.origin, key: "streams[\(index)].id",
                                               reason: "'\(stream.id)' is already listed at \(earlier.origin): ids must be unique")
            }
            if let earlier = streams.first(where: { $0.key == stream.key || $0.backupKey == stream.key }) {
                throw ConfigError.invalidValue(origin: stream.origin, key: "streams[\(index)].key",
                                               reason: "is the same as the key of '\(earlier.id)' (\(earlier.origin)): every stream needs its own key")
            }
            if let backup = stream.backupKey,
               let earlier = streams.first(where: { $0.key == backup || $0.backupKey == backup }) ?? (backup == stream.key ? stream : nil) {
                throw ConfigError.invalidValue(origin: stream.origin, key: "streams[\(index)].backup_key",
                                               reason: "is the same as a key of '\(earlier.id)' (\(earlier.origin)): every publisher needs its own key")
            }
            streams.append(stream)
        }
        return streams
    }

    private static func entry(_ node: Node, path: String, file: String,
                              environment: [String: String]) throws -> ConfiguredLiveStream {
        var reader = try MappingReader(node, path: path, file: file)
        let origin = YAMLNodes.origin(file: file, node: node)
        let idNode = reader.take("id")
        let literalKey = try reader.string("key")
        let keyVariable = try reader.string("key_env")
        let mode = try reader.choice("mode", ["sliding", "event"])
        let window = try reader.int("dvr_window_seconds", LiveStreamRules.dvrWindowSeconds)
        let literalBackup = try reader.string("backup_key")
        let backupVariable = try reader.string("backup_key_env")
        let lowLatency = try reader.bool("low_latency")
        try reader.finish()

        guard let idNode else { throw ConfigError.invalidValue(origin: origin, key: "\(path).id", reason: "is missing: name the stream (a-z, 0-9, '-', '_')") }
        guard let (idText, _) = YAMLNodes.scalar(idNode), let id = SafeName(idText) else {
            throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: idNode), key: "\(path).id",
                                        expected: "a stream id of a-z, 0-9, '-' and '_' (at most \(SafeName.maxLength), starting with a letter or digit)",
                                        found: YAMLNodes.describe(idNode))
        }
        let key = try resolveKey(literal: literalKey, variable: keyVariable, path: path, origin: origin, environment: environment)
        if let problem = LiveStreamRules.keyProblem(key) {
            let source = keyVariable.map { "(from environment variable \($0)) " } ?? ""
            throw ConfigError.invalidValue(origin: origin, key: "\(path).\(keyVariable == nil ? "key" : "key_env")", reason: source + problem)
        }
        var backupKey: String?
        if literalBackup != nil || backupVariable != nil {
            let backupPath = path + ".backup"
            let key = try resolveKey(literal: literalBackup, variable: backupVariable, path: backupPath, origin: origin, environment: environment)
            if let problem = LiveStreamRules.keyProblem(key) {
                let source = backupVariable.map { "(from environment variable \($0)) " } ?? ""
                throw ConfigError.invalidValue(origin: origin, key: "\(path).\(backupVariable == nil ? "backup_key" : "backup_key_env")", reason: source + problem)
            }
            backupKey = key
        }
        return ConfiguredLiveStream(id: id, key: key, eventMode: mode == "event", dvrWindowSeconds: window, origin: origin,
                                    backupKey: backupKey, lowLatency: lowLatency)
    }

    private static func resolveKey(literal: String?, variable: String?, path: String, origin: String,
                                   environment: [String: String]) throws -> String {
        switch (literal, variable) {
        case (let key?, nil):
            return key
        case (nil, let name?):
            guard let value = environment[name], !value.isEmpty else {
                throw ConfigError.invalidValue(origin: origin, key: "\(path).key_env",
                                               reason: "names environment variable \(name), which is not set: export it before starting mediaserve")
            }
            return value
        case (.some, .some):
            throw ConfigError.invalidValue(origin: origin, key: path, reason: "has both key and key_env: keep one")
        case (nil, nil):
            throw ConfigError.invalidValue(origin: origin, key: "\(path).key",
                                           reason: "is missing: give the stream key, or key_env naming an environment variable that holds it")
        }
    }
}
