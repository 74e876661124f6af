import Foundation

/// Poster images (issue 16): ingest writes them into the asset folder before publishing, so they appear
/// with the asset in its one rename and carry its version stamp.
extension DataDirectory {
    public static let posterFileName = "poster.jpg"
    public static let thumbnailFileName = "thumbnail.jpg"
}

/// The two pictures of an asset, by their fixed file names; opened through `StoredAssetVersion.openImage`.
public enum PosterImage: String, Sendable, CaseIterable {
    case poster, thumbnail

    public var fileName: String { self == .poster ? DataDirectory.posterFileName : DataDirectory.thumbnailFileName }
}
