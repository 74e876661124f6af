import Foundation
import MediaCore

/// What the content API lists: a published asset or a live stream with its descriptive metadata.
public struct ContentEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case asset, stream }

    public var kind: Kind
    public var id: SafeName
    public var title: String?
    public var description: String?
    public var tags: [String]
    /// Seconds (assets).
    public var duration: Double?
    /// Asset version (its poster URL carries it).
    public var version: Int?
    /// Live stream state (`idle`, `live`, `ended`).
    public var liveState: String?
    public var createdAt: Date

    public init(kind: Kind, id: SafeName, title: String?, description: String?, tags: [String], duration: Double?,
                version: Int?, liveState: String?, createdAt: Date) {
        self.kind = kind
        self.id = id
        self.title = title
        self.description = description
        self.tags = tags
        self.duration = duration
        self.version = version
        self.liveState = liveState
        self.createdAt = createdAt
    }
}

/// A change to an item's metadata: nil fields are left as they are.
public struct ContentMetadataChange: Sendable, Hashable, Codable {
    public var title: String?
    public var description: String?
    public var tags: [String]?

    public init(title: String? = nil, description: String? = nil, tags: [String]? = nil) {
        self.title = title
        self.description = description
        self.tags = tags
    }

    public var isEmpty: Bool { title == nil && description == nil && tags == nil }

    /// Limits that keep one item from swamping the search index and app screens.
    public static let maxTitle = 200
    public static let maxDescription = 5_000
    public static let maxTags = 32
    public static let maxTag = 64

    /// What is wrong with the change, in words for whoever sent it (API client or `ingest` flags); nil when
    /// it may be stored.
    public var problem: String? {
        if let title, title.isEmpty || title.count > Self.maxTitle { return "title must be 1 to \(Self.maxTitle) characters" }
        if let description, description.count > Self.maxDescription {
            return "description must be at most \(Self.maxDescription) characters"
        }
        if let tags, tags.count > Self.maxTags || tags.contains(where: { $0.isEmpty || $0.count > Self.maxTag }) {
            return "tags: at most \(Self.maxTags), each 1 to \(Self.maxTag) characters"
        }
        return nil
    }
}

/// Where a page of the content list continues: after this (kind, id).
public struct ContentCursor: Sendable, Hashable {
    public var kind: ContentEntry.Kind
    public var id: SafeName

    public init(kind: ContentEntry.Kind, id: SafeName) {
        self.kind = kind
        self.id = id
    }

    /// Opaque text for URLs: `asset.<id>` / `stream.<id>` (ids are URL-safe already).
    public var token: String { "\(kind.rawValue).\(id.rawValue)" }

    public init?(token: String) {
        guard let dot = token.firstIndex(of: "."), let kind = ContentEntry.Kind(rawValue: String(token[..<dot])),
              let id = SafeName(String(token[token.index(after: dot)...])) else { return nil }
        self.init(kind: kind, id: id)
    }
}

/// Turns what a person types into an FTS5 query that cannot be a syntax error: each word (letters and
/// digits) becomes a quoted prefix term, and all must match. Nil when nothing searchable is left.
public enum ContentSearchQuery {
    public static func fts(_ text: String) -> String? {
        let words = words(text)
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// The searchable words of `text` (lower case, letters and digits only, at most 16): what both
    /// backends' queries are built from.
    public static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.prefix(16).map(String.init)
    }
}
