import Foundation
import MediaCore

/// A published VOD asset. The segment index lives in its renditions (`Catalog.renditions(of:)`).
public struct AssetRecord: Codable, Sendable, Hashable {
    public var id: AssetID
    public var title: String?
    public var state: AssetState
    /// Seconds; `publishAsset` fills it from the longest rendition when nil.
    public var duration: Double?
    /// 1 when first published, +1 on every replace (and on publishing a deleted id again); the origin puts
    /// it in URLs so CDNs never mix versions.
    public var version: Int
    /// What the source file held, as probed before ingest.
    public var sourceProbe: SourceProbe?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: AssetID, title: String? = nil, state: AssetState = .ready, duration: Double? = nil,
                version: Int = 1, sourceProbe: SourceProbe? = nil, createdAt: Date = Date(), updatedAt: Date = Date()) {
        self.id = id
        self.title = title
        self.state = state
        self.duration = duration
        self.version = version
        self.sourceProbe = sourceProbe
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Whether an asset may be served.
public enum AssetState: String, Codable, Sendable, Hashable, CaseIterable {
    /// Published and complete.
    case ready
    /// Kept in the catalog but not served (e.g. taken down by an operator).
    case disabled
}

/// One queued unit of work. The queue lives in the catalog so that, with PostgreSQL later, workers on
/// any node can claim jobs (`FOR UPDATE SKIP LOCKED`).
public struct JobRecord: Codable, Sendable, Hashable {
    public var id: String
    public var kind: JobKind
    /// The asset the job produces.
    public var assetID: AssetID
    public var sourcePath: String
    /// JSON object text of the job's options (its shape belongs to the job kind); see `decodeOptions`.
    public var options: String
    public var state: JobState
    /// 0...100.
    public var percent: Double
    public var error: String?
    /// How many times the job was claimed (a restart may requeue a running job).
    public var attempts: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// The worker holding the running job and until when (claims with a lease, issue 14); nil otherwise.
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?

    public init(id: String, kind: JobKind, assetID: AssetID, sourcePath: String, options: String = "{}",
                state: JobState = .queued, percent: Double = 0, error: String? = nil, attempts: Int = 0,
                createdAt: Date = Date(), updatedAt: Date = Date(), leaseOwner: String? = nil, leaseExpiresAt: Date? = nil) {
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.id = id
        self.kind = kind
        self.assetID = assetID
        self.sourcePath = sourcePath
        self.options = options
        self.state = state
        self.percent = percent
        self.error = error
        self.attempts = attempts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The lease this record was claimed under (owner and attempt), for heartbeats and the publish.
    public var lease: JobLease? { leaseOwner.map { JobLease(job: id, owner: $0, attempt: attempts) } }

    /// The options decoded as the job kind's own type.
    public func decodeOptions<Options: Decodable>(as type: Options.Type) throws -> Options {
        try JSONDecoder().decode(type, from: Data(options.utf8))
    }
}

/// What a worker asks for when it claims a job: who it is, how long the lease lasts without a heartbeat,
/// and how many attempts a job gets before a lapsed lease makes it `interrupted`.
public struct JobLeaseTerms: Sendable, Hashable {
    public var owner: String
    public var seconds: Double
    public var maxAttempts: Int

    public init(owner: String, seconds: Double, maxAttempts: Int = 3) {
        self.owner = owner
        self.seconds = seconds
        self.maxAttempts = maxAttempts
    }
}

/// A worker's hold on one attempt of a running job: only this owner and attempt may renew, publish or
/// finish it.
public struct JobLease: Sendable, Hashable, Codable {
    public var job: String
    public var owner: String
    public var attempt: Int

    public init(job: String, owner: String, attempt: Int) {
        self.job = job
        self.owner = owner
        self.attempt = attempt
    }
}

/// Job kinds, open for other modules to add (`extension JobKind { static let liveToVOD = ... }`).
public struct JobKind: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let ingest = JobKind(rawValue: "ingest")
    public var description: String { rawValue }
}

/// queued -> running -> succeeded | failed; running -> interrupted | queued when the process died.
public enum JobState: String, Codable, Sendable, Hashable, CaseIterable {
    case queued, running, succeeded, failed, interrupted
}

/// What `markInterruptedJobs` did at start-up.
public struct InterruptedJobs: Sendable, Hashable {
    /// Jobs put back in the queue (attempts left).
    public var requeued: [String]
    /// Jobs given up on (`interrupted`), to be retried by hand.
    public var interrupted: [String]

    public init(requeued: [String] = [], interrupted: [String] = []) {
        self.requeued = requeued
        self.interrupted = interrupted
    }
}

/// A configured live stream: publishers authenticate with `key`; viewers use `id` in URLs.
public struct LiveStreamRecord: Codable, Sendable, Hashable {
    public var id: SafeName
    /// Secret stream key a publisher sends (rtmp://host/live/<key>).
    public var key: String
    public var state: LiveStreamState
    public var dvrWindowSeconds: Int
    /// Event mode: the playlist keeps every segment from the start (HLS EVENT) instead of sliding.
    public var eventMode: Bool
    public var createdAt: Date
    /// Listed in the streams file (`live.streams_file`): the file, not the admin API, decides whether it
    /// exists, so the API refuses to delete it.
    public var configManaged: Bool
    /// Secret key of the standby publisher (issue 15): it takes over when the primary fails. nil: none.
    public var backupKey: String?
    /// The stream's own low-latency choice; nil follows `live.low_latency.enabled`.
    public var lowLatency: Bool?

    public init(id: SafeName, key: String, state: LiveStreamState = .idle, dvrWindowSeconds: Int,
                eventMode: Bool = false, createdAt: Date = Date(), configManaged: Bool = false,
                backupKey: String? = nil, lowLatency: Bool? = nil) {
        self.id = id
        self.key = key
        self.backupKey = backupKey
        self.lowLatency = lowLatency
        self.state = state
        self.dvrWindowSeconds = dvrWindowSeconds
        self.eventMode = eventMode
        self.createdAt = createdAt
        self.configManaged = configManaged
    }
}

/// Live stream states, open for the Live module to add its own.
public struct LiveStreamState: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Configured, nobody publishing.
    public static let idle = LiveStreamState(rawValue: "idle")
    /// A publisher is connected and segments are being written.
    public static let live = LiveStreamState(rawValue: "live")
    /// The publisher left and the disconnect timeout passed.
    public static let ended = LiveStreamState(rawValue: "ended")
    public var description: String { rawValue }
}

// Encoded as their bare string so JSON (API responses, job options) reads "ingest", not {"rawValue": ...}.
extension JobKind {
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension LiveStreamState {
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
