import Catalog
import Foundation

/// The metadata part of `PATCH /api/v1/assets/{id}` and `PATCH /api/v1/live-streams/{id}`: any of
/// `title`, `description`, `tags`.
extension ContentMetadataChange {
    static let fields = ["title", "description", "tags"]

    /// The fields present in `object`, or a 400 naming what is wrong.
    init(_ object: [String: Any]) throws {
        self.init(title: try JSONBody.string(object, "title"), description: try JSONBody.string(object, "description"),
                  tags: try JSONBody.strings(object, "tags", example: #"["travel", "sea"]"#))
        if let problem { throw OriginError.badRequest(problem) }
    }
}
