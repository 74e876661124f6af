/// Options stored with an ingest job (JSON in the catalog).
public struct IngestJobOptions: Codable, Sendable {
    /// The uploaded file's name: the asset's title.
    public var originalName: String?

    public init(originalName: String?) {
        self.originalName = originalName
    }
}
