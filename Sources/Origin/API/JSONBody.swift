import Foundation

/// Reading a JSON object body field by field (`JSONSerialization`, so a field's absence, `null` and a
/// wrong type are told apart and named in the 400).
enum JSONBody {
    static func object(_ body: Data, example: String) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw OriginError.badRequest("the body must be a JSON object such as \(example)")
        }
        return object
    }

    static func refuseUnknown(_ object: [String: Any], allowed: [String]) throws {
        if let key = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw OriginError.badRequest("unknown field '\(key)': use \(allowed.joined(separator: ", "))")
        }
    }

    /// A string field, nil when absent; `null` and other types are refused.
    static func string(_ object: [String: Any], _ name: String) throws -> String? {
        guard let raw = object[name] else { return nil }
        guard let text = raw as? String else { throw OriginError.badRequest("\(name) must be a string, not '\(raw)'") }
        return text
    }

    /// A list of strings, nil when absent.
    static func strings(_ object: [String: Any], _ name: String, example: String) throws -> [String]? {
        guard let raw = object[name] else { return nil }
        guard let list = raw as? [String] else { throw OriginError.badRequest("\(name) must be a list of strings such as \(example)") }
        return list
    }
}
