#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MediaCore

/// One published asset folder (`vod/<asset>/`), opened once, from which the version stamp and a segment
/// are both read relative to the same descriptor (openat). A replace renames another folder into place;
/// a request that opened the old one reads the old stamp and the old bytes, or finds them deleted (404),
/// and never pairs one version's number with the other version's bytes.
///
/// Every level is opened with O_NOFOLLOW (the folder and the rendition folder also with O_DIRECTORY,
/// the file checked to be regular): no symbolic link is followed below vod/, as with the lstat checks
/// for live files.
final class LocalAssetVersion: StoredAssetVersion {
    private let descriptor: CInt

    /// Nil when the asset folder does not exist (or is a link or not a folder).
    init?(vodRoot: String, asset: AssetID) {
        descriptor = open(vodRoot + "/" + asset.rawValue, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    /// Has `watch` follow this folder (the inode opened); false when it could not.
    func watch(with watch: FolderWatch?) -> Bool {
        watch?.watch(descriptor: descriptor) ?? false
    }

    /// The opened folder's identity (fstat on its descriptor), for the open-file cache.
    func identity() -> OpenAssetCache.Identity? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return OpenAssetCache.Identity(info)
    }

    func stamp() -> VersionStamp {
        let fd = openat(descriptor, DataDirectory.versionFileName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? .missing : .unreadable }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0, count < buffer.count, let version = DataDirectory.parseVersionStamp(buffer[0..<count]) else {
            return .unreadable
        }
        return .version(version)
    }

    func openSegment(rendition: SafeName, fileName: String) -> StoredObject? {
        guard SegmentFileName.isValid(fileName) else { return nil }
        let folder = openat(descriptor, rendition.rawValue, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { return nil }
        defer { close(folder) }
        return LocalFile(descriptor: openat(folder, fileName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)).map(StoredObject.localFile)
    }

    /// Read through the same descriptor as the stamp, so a replace cannot pair one version's number with
    /// another version's picture.
    func openImage(_ image: PosterImage) -> StoredObject? {
        LocalFile(descriptor: openat(descriptor, image.fileName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)).map(StoredObject.localFile)
    }
}
