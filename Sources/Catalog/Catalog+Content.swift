import Foundation
import GRDB
import MediaCore

/// The content API's catalogue: metadata of assets and live streams, listing with cursor paging and
/// FTS5 search over title, description and tags.
extension Catalog {
    /// Applies `change` to the item's metadata (creating its row), returning false when no such asset or
    /// stream exists. An asset's title is also its `assets.title`, so the admin API shows the same one.
    @discardableResult
    public func updateContentMetadata(kind: ContentEntry.Kind, id: SafeName, change: ContentMetadataChange) throws -> Bool {
        let tagsJSON = try Self.tagsJSON(change)
        return try perform("update metadata of \(kind.rawValue) \(id)") {
            try writer.write { db in
                let table = kind == .asset ? "assets" : "live_streams"
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE id = ?", arguments: [id.rawValue]) != nil else {
                    return false
                }
                let assetTitle = kind == .asset
                    ? try String.fetchOne(db, sql: "SELECT title FROM assets WHERE id = ?", arguments: [id.rawValue]) : nil
                try Self.upsertContentMetadata(kind: kind, id: id.rawValue, change: change, tagsJSON: tagsJSON,
                                               newRowTitle: change.title ?? assetTitle, db: db)
                if kind == .asset, let title = change.title {
                    try db.execute(sql: "UPDATE assets SET title = ? WHERE id = ?", arguments: [title, id.rawValue])
                }
                return true
            }
        }
    }

    /// Sets the fields `change` holds, keeping the others; a new row takes `newRowTitle` (an asset's own
    /// title when the change names none). Inside the caller's transaction.
    static func upsertContentMetadata(kind: ContentEntry.Kind, id: String, change: ContentMetadataChange, tagsJSON: String?,
                                      newRowTitle: String? = nil, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO content_metadata (kind, id, title, description, tags) VALUES (?, ?, ?, ?, COALESCE(?, '[]'))
            ON CONFLICT(kind, id) DO UPDATE SET
                title = COALESCE(?, title), description = COALESCE(?, description), tags = COALESCE(?, tags)
            """, arguments: [kind.rawValue, id, newRowTitle ?? change.title, change.description, tagsJSON,
                             change.title, change.description, tagsJSON])
    }

    static func tagsJSON(_ change: ContentMetadataChange) throws -> String? { try CatalogRules.tagsJSON(change) }

    /// One item, or nil.
    public func contentEntry(kind: ContentEntry.Kind, id: SafeName) throws -> ContentEntry? {
        try perform("read content \(id)") {
            try writer.read { db in
                try Row.fetchOne(db, sql: Self.contentSelect + " WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id.rawValue])
                    .map(Self.contentEntry)
            }
        }
    }

    /// Up to `limit` items after `cursor`, ordered by kind then id; with `search`, only items whose title,
    /// description or tags hold every word of it (as a prefix).
    public func listContent(search: String?, after cursor: ContentCursor?, limit: Int) throws -> [ContentEntry] {
        try perform("list content") {
            try writer.read { db in
                var clauses: [String] = []
                var arguments = StatementArguments()
                if let search {
                    guard let fts = ContentSearchQuery.fts(search) else { return [] }
                    clauses.append("(kind, id) IN (SELECT kind, id FROM content_search WHERE content_search MATCH ?)")
                    arguments += [fts]
                }
                if let cursor {
                    clauses.append("(kind > ? OR (kind = ? AND id > ?))")
                    arguments += [cursor.kind.rawValue, cursor.kind.rawValue, cursor.id.rawValue]
                }
                let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
                arguments += [limit]
                return try Row.fetchAll(db, sql: Self.contentSelect + filter + " ORDER BY kind, id LIMIT ?", arguments: arguments)
                    .map(Self.contentEntry)
            }
        }
    }

    private static var contentSelect: String { CatalogRules.contentSelect }

    private static func contentEntry(_ row: Row) throws -> ContentEntry {
        let rawID: String = row["id"], rawKind: String = row["kind"]
        guard let id = SafeName(rawID), let kind = ContentEntry.Kind(rawValue: rawKind) else {
            throw CatalogError.invalidStoredValue(table: "content", column: "id", value: rawID)
        }
        let tagsText: String = row["tags"]
        let tags = (try? JSONDecoder().decode([String].self, from: Data(tagsText.utf8))) ?? []
        return ContentEntry(kind: kind, id: id, title: row["title"], description: row["description"], tags: tags,
                            duration: row["duration"], version: row["version"], liveState: row["live_state"],
                            createdAt: row["created_at"])
    }
}
