import Catalog

/// What an upload asked of its ingest job, kept with the job (as JSON) so a job queued before a restart
/// still publishes with it.
public struct IngestJobOptions: Codable, Sendable {
    /// The uploaded file's name: the asset's title when the upload names none.
    public var originalName: String?
    /// `?title=`, `?description=`, `?tag=` of the upload (absent in jobs queued before they existed).
    public var title: String?
    public var description: String?
    public var tags: [String]?

    public init(originalName: String?, metadata: ContentMetadataChange = ContentMetadataChange()) {
        self.originalName = originalName
        title = metadata.title
        description = metadata.description
        tags = metadata.tags
    }

    /// The metadata the asset is published with: the upload's title, else its file name.
    public var metadata: ContentMetadataChange {
        ContentMetadataChange(title: title ?? originalName, description: description, tags: tags)
    }
}
