import Foundation
import Yams

/// Small helpers over Yams' node tree shared by the config and ladder readers: parsing with a clean
/// error, locations as `file:line:column`, and short descriptions of what was found.
enum YAMLNodes {
    /// A YAML file's text; a missing or unreadable file is `ConfigError.unreadableFile` naming `file`.
    static func readText(_ url: URL, file: String) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigError.unreadableFile(path: file, reason: (error as NSError).localizedDescription)
        }
    }

    /// The document's root node, or nil for an empty document.
    static func compose(_ text: String, file: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError.invalidYAML(path: file, detail: oneLine(String(describing: error)))
        } catch {
            throw ConfigError.invalidYAML(path: file, detail: oneLine(String(describing: error)))
        }
    }

    static func origin(file: String, node: Node) -> String {
        guard let mark = node.mark else { return file }
        return "\(file):\(mark.line):\(mark.column)"
    }

    /// A scalar's text and whether it was quoted (quoted scalars are always strings).
    static func scalar(_ node: Node) -> (text: String, quoted: Bool)? {
        guard case .scalar(let scalar) = node else { return nil }
        let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
        return (scalar.string, quoted)
    }

    /// What a node is, for "found ..." in error messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar) where scalar.style == .singleQuoted || scalar.style == .doubleQuoted:
            let hint = Double(scalar.string) != nil ? " (remove the quotes for a number)" : ""
            return "the quoted string \"\(scalar.string)\"\(hint)"
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// libyaml errors span several lines (with a snippet); keep the first for a one-line CLI message.
    private static func oneLine(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? text
    }
}
