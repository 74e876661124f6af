#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Storage

extension VODAssetFolder {
    /// An image ingest wrote beside the renditions (`poster.jpg`, `thumbnail.jpg`), read through the same
    /// descriptor as the stamp so a replace cannot pair one version's number with another's picture.
    func openImage(_ image: PosterImage) -> OpenFile? {
        OpenFile(descriptor: openat(descriptor, image.fileName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC))
    }
}

/// The two pictures of an asset, by their fixed file names (Storage names them).
enum PosterImage: String, CaseIterable {
    case poster, thumbnail

    var fileName: String { self == .poster ? DataDirectory.posterFileName : DataDirectory.thumbnailFileName }
}
