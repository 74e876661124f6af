import MediaCore

/// Where an origin's live manifests come from: the live segmenter of this process (`LiveStreams`, in
/// memory, woken by each stored file) or, on an origin that runs no live listener, the journals the live
/// nodes write into the shared store (`StoredLiveStreams`, issue 14).
public protocol LiveListings: Sendable {
    var configuration: LiveConfiguration { get }
    /// What manifests of `stream` are built from; nil for a stream with no segments known here.
    func listing(for stream: SafeName) -> LiveListing?
    /// The listing once `condition` holds (LL-HLS blocking reload), nil when `deadline` passes first.
    func listing(for stream: SafeName, when condition: (LiveListing) -> Bool, until deadline: ContinuousClock.Instant) async -> LiveListing?
    /// The stream's renditions with the segments inside the DVR window (the preview page's list).
    func indexes(for stream: SafeName) -> [RenditionIndex]
    /// Streams with a publisher connected now.
    var publishingStreams: [SafeName] { get }
}

extension LiveStreams: LiveListings {}
