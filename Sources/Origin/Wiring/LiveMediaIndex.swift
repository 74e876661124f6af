import Foundation
import LiveSegmenting
import MediaCore
import Storage

/// Live listings from the live segmenter's in-memory DVR index (`LiveStreams`): the renditions with the
/// segments still inside the window, the stream's own DVR window (the catalog's `dvr_window_seconds`,
/// or the event window) and the discontinuities already behind it. The stream's clock origin (DASH availabilityStartTime) is the
/// arrival time of its first listed segment minus that segment's media time.
///
/// A stream counts as ended (HLS ENDLIST, static MPD) only when `isEnded` says so (the catalog's `ended`
/// state, after the disconnect timeout); a publisher that merely dropped may still come back.
public struct LiveMediaIndex: MediaIndex {
    let streams: LiveStreams
    let isEnded: @Sendable (SafeName) -> Bool
    /// Event streams (the catalog's `event_mode`) get growing manifests instead of a sliding window.
    let isEvent: @Sendable (SafeName) -> Bool

    public init(streams: LiveStreams, isEvent: @escaping @Sendable (SafeName) -> Bool = { _ in false },
                isEnded: @escaping @Sendable (SafeName) -> Bool) {
        self.streams = streams
        self.isEvent = isEvent
        self.isEnded = isEnded
    }

    public func listing(tree: MediaTree, owner: SafeName) async throws -> MediaListing? {
        guard tree == .live, let live = streams.listing(for: owner) else { return nil }
        return mediaListing(owner, live)
    }

    /// Waits on the segmenter (woken by each stored file) until the listing satisfies `condition`.
    public func listing(tree: MediaTree, owner: SafeName, when condition: @escaping @Sendable (MediaListing) -> Bool,
                        until deadline: ContinuousClock.Instant) async throws -> MediaListing? {
        guard tree == .live else { return nil }
        var found: MediaListing?
        _ = await streams.listing(for: owner, when: { live in
            guard let listing = mediaListing(owner, live), condition(listing) else { return false }
            found = listing
            return true
        }, until: deadline)
        return found
    }

    private func mediaListing(_ owner: SafeName, _ live: LiveListing) -> MediaListing? {
        let renditions = live.renditions
        guard let reference = renditions.first(where: { $0.rendition.kind == .video }) ?? renditions.first,
              let first = reference.segments.first else { return nil }
        let start = first.programDateTime.map { $0 - Double(first.start) / Double(reference.rendition.timescale) }
        var listing = MediaListing(renditions: renditions, targetDurationSeconds: streams.configuration.segmentDuration,
                                   availabilityStartTime: start,
                                   ended: !streams.publishingStreams.contains(owner) && isEnded(owner), event: isEvent(owner))
        listing.dvrWindowSeconds = live.dvrWindowSeconds
        listing.discontinuitiesBefore = live.discontinuitiesBefore
        listing.partTargetSeconds = live.partTargetSeconds
        listing.parts = live.parts
        listing.hlsTargetDuration = live.targetDurationSeconds
        return listing
    }
}
