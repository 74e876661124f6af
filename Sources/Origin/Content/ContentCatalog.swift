import Catalog
import MediaCore

/// What the content API reads and writes: the catalog's metadata, listing and search.
public protocol ContentCatalog: Sendable {
    func listContent(search: String?, after cursor: ContentCursor?, limit: Int) throws -> [ContentEntry]
    func contentEntry(kind: ContentEntry.Kind, id: SafeName) throws -> ContentEntry?
    @discardableResult
    func updateContentMetadata(kind: ContentEntry.Kind, id: SafeName, change: ContentMetadataChange) throws -> Bool
}

extension Catalog: ContentCatalog {}
