import Catalog
import Foundation
import MediaCore

/// The content API's catalogue on PostgreSQL. Search is a `tsvector` (configuration `simple`: no
/// stemming, like SQLite's unicode61 tokenizer) with every word of the query as a prefix term
/// (`word:*`), all required; unlike the SQLite catalog, accents are not folded.
extension PostgresCatalog {
    @discardableResult
    public func updateContentMetadata(kind: ContentEntry.Kind, id: SafeName, change: ContentMetadataChange) throws -> Bool {
        try pool.transaction("update metadata of \(kind.rawValue) \(id)") { session in
            let table = kind == .asset ? "assets" : "live_streams"
            guard try session.queryOne("SELECT 1 FROM \(table) WHERE id = $1", [id.rawValue]) != nil else { return false }
            let assetTitle: String? = kind == .asset
                ? try session.queryOne("SELECT title FROM assets WHERE id = $1", [id.rawValue])?.get("title") : nil
            try Self.upsertContentMetadata(kind: kind, id: id.rawValue, change: change, newRowTitle: change.title ?? assetTitle,
                                           session: session)
            if kind == .asset, let title = change.title {
                try session.execute("UPDATE assets SET title = $1 WHERE id = $2", [title, id.rawValue])
            }
            return true
        }
    }

    /// Sets the fields `change` holds, keeping the others, then the row's search vector. Inside the
    /// caller's transaction.
    static func upsertContentMetadata(kind: ContentEntry.Kind, id: String, change: ContentMetadataChange,
                                      newRowTitle: String? = nil, session: PostgresSession) throws {
        let tagsJSON = try CatalogRules.tagsJSON(change)
        try session.execute("""
            INSERT INTO content_metadata (kind, id, title, description, tags) VALUES ($1, $2, $3, $4, COALESCE($5, '[]'))
            ON CONFLICT (kind, id) DO UPDATE SET
                title = COALESCE($6, content_metadata.title), description = COALESCE($4, content_metadata.description),
                tags = COALESCE($5, content_metadata.tags)
            """, [kind.rawValue, id, newRowTitle ?? change.title, change.description, tagsJSON, change.title])
        try session.execute("""
            UPDATE content_metadata SET search = to_tsvector('simple',
                COALESCE(title, '') || ' ' || COALESCE(description, '') || ' ' || tags)
            WHERE kind = $1 AND id = $2
            """, [kind.rawValue, id])
    }

    public func contentEntry(kind: ContentEntry.Kind, id: SafeName) throws -> ContentEntry? {
        try pool.withSession("read content \(id)") { session in
            try session.queryOne(Self.contentSelect + " WHERE kind = $1 AND id = $2", [kind.rawValue, id.rawValue])
                .map(Self.contentEntry)
        }
    }

    public func listContent(search: String?, after cursor: ContentCursor?, limit: Int) throws -> [ContentEntry] {
        try pool.withSession("list content") { session in
            var clauses: [String] = []
            var arguments: [any SQLBindable] = []
            if let search {
                let words = ContentSearchQuery.words(search)
                guard !words.isEmpty else { return [] }
                arguments.append(words.map { "\($0):*" }.joined(separator: " & "))
                clauses.append("(kind, id) IN (SELECT kind, id FROM content_metadata WHERE search @@ to_tsquery('simple', $\(arguments.count)))")
            }
            if let cursor {
                arguments += [cursor.kind.rawValue, cursor.id.rawValue] as [any SQLBindable]
                clauses.append("(kind > $\(arguments.count - 1) OR (kind = $\(arguments.count - 1) AND id > $\(arguments.count)))")
            }
            let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
            arguments.append(limit)
            return try session.query(Self.contentSelect + filter + " ORDER BY kind, id LIMIT $\(arguments.count)", arguments)
                .map(Self.contentEntry)
        }
    }

    private static var contentSelect: String { CatalogRules.contentSelect }

    private static func contentEntry(_ row: SQLRow) throws -> ContentEntry {
        let rawID: String = try row.get("id"), rawKind: String = try row.get("kind")
        guard let id = SafeName(rawID), let kind = ContentEntry.Kind(rawValue: rawKind) else {
            throw CatalogError.invalidStoredValue(table: "content", column: "id", value: rawID)
        }
        let tagsText: String = try row.get("tags")
        let tags = (try? JSONDecoder().decode([String].self, from: Data(tagsText.utf8))) ?? []
        return ContentEntry(kind: kind, id: id, title: try row.get("title"), description: try row.get("description"), tags: tags,
                            duration: try row.get("duration"), version: try row.get("version"), liveState: try row.get("live_state"),
                            createdAt: try row.get("created_at"))
    }
}
