import Foundation
import MediaCore
import NIOConcurrencyHelpers
import Storage

/// Live listings read back from the store, for an origin that runs no live listener (`serve --roles
/// origin`, issue 14): the live node writes each segment and then its journal line into the shared store
/// (an S3 bucket, or a data directory), and any origin replays that journal (`JournalReplay`, the rules the
/// live node's own restart uses) into the same `LiveListing` the in-memory index gives. The live node
/// appends `expired` lines as its DVR ring moves, so the replay is the current window.
///
/// A listing is read at most once per `freshFor` per stream, so a burst of player requests costs one GET
/// of the journal, and a new segment shows within `freshFor` plus the store's round trip. Low-latency
/// parts are not journaled: this index lists whole segments only (LL-HLS is served by the live node).
public final class StoredLiveStreams: LiveListings {
    public let store: any LiveMediaStore
    public let configuration: LiveConfiguration
    let freshFor: Duration
    private let dvrWindow: @Sendable (SafeName) -> Double?
    private let publishing: @Sendable () -> [SafeName]
    private let cache = NIOLockedValueBox<[SafeName: Entry]>([:])

    struct Entry {
        var listing: LiveListing?
        var read: ContinuousClock.Instant
    }

    /// `dvrWindow` is the stream's own window for its manifests (the catalog's); `publishing` names the
    /// streams a live node has a publisher on (the catalog's `live` state).
    public init(store: any LiveMediaStore, configuration: LiveConfiguration, freshFor: Duration = .milliseconds(250),
                dvrWindow: @escaping @Sendable (SafeName) -> Double? = { _ in nil },
                publishing: @escaping @Sendable () -> [SafeName] = { [] }) {
        self.store = store
        self.configuration = configuration
        self.freshFor = freshFor
        self.dvrWindow = dvrWindow
        self.publishing = publishing
    }

    public var publishingStreams: [SafeName] { publishing() }

    public func indexes(for stream: SafeName) -> [RenditionIndex] { listing(for: stream)?.renditions ?? [] }

    public func listing(for stream: SafeName) -> LiveListing? {
        let now = ContinuousClock.now
        if let entry = cache.withLockedValue({ $0[stream] }), now - entry.read < freshFor { return entry.listing }
        let listing = Self.listing(journal: IndexJournal(store: store, stream: stream).read()?.lines,
                                   dvrWindowSeconds: dvrWindow(stream) ?? configuration.dvr.window)
        cache.withLockedValue { $0[stream] = Entry(listing: listing, read: now) }
        return listing
    }

    /// Asks the store again every `freshFor` until `condition` holds: a remote store has no change signal.
    public func listing(for stream: SafeName, when condition: (LiveListing) -> Bool,
                        until deadline: ContinuousClock.Instant) async -> LiveListing? {
        while true {
            if let listing = listing(for: stream), condition(listing) { return listing }
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: min(freshFor, max(.zero, deadline - ContinuousClock.now)))
        }
    }

    /// The listing a journal describes (pure): renditions aligned to the segment numbers all of them
    /// hold, as the live node's own index aligns them; nil without a journal or without segments.
    static func listing(journal lines: [IndexJournal.Line]?, dvrWindowSeconds: Double) -> LiveListing? {
        guard let lines else { return nil }
        let replay = JournalReplay(lines)
        let listed = replay.indexes.filter { !$0.segments.isEmpty }
        guard let common = listed.compactMap(\.segments.first?.number).max() else { return nil }
        let aligned = listed.map { RenditionIndex(rendition: $0.rendition, segments: $0.segments.filter { $0.number >= common }) }
        return LiveListing(renditions: aligned, discontinuitiesBefore: replay.discontinuities.filter { $0 < common }.count,
                           dvrWindowSeconds: dvrWindowSeconds)
    }
}
