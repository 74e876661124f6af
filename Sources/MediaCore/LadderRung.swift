/// H.264 profiles the ladder may ask for. The encoder's real output decides the codec string.
public enum H264Profile: String, Sendable, Codable, Hashable {
    case baseline
    case main
    case high
}

/// One configured step of the bitrate ladder (config/ladder.yaml), before it is fitted to a source.
public struct LadderRung: Hashable, Sendable, Codable {
    /// Output height in pixels; width follows the source's display aspect ratio.
    public var height: Int
    /// Target video bitrate in kilobits per second; VBV maxrate and buffer derive from it.
    public var videoKbps: Int
    public var profile: H264Profile

    public init(height: Int, videoKbps: Int, profile: H264Profile) {
        self.height = height
        self.videoKbps = videoKbps
        self.profile = profile
    }
}

extension LadderRung {
    /// The shipped ladder (config/ladder.yaml): 360p Main, 480p to 2160p High. Kept here, once, so the
    /// config defaults and the ingest planner cannot drift apart.
    public static let standardLadder: [LadderRung] = [
        LadderRung(height: 360, videoKbps: 800, profile: .main),
        LadderRung(height: 480, videoKbps: 1400, profile: .high),
        LadderRung(height: 720, videoKbps: 3000, profile: .high),
        LadderRung(height: 1080, videoKbps: 5000, profile: .high),
        LadderRung(height: 1440, videoKbps: 9000, profile: .high),
        LadderRung(height: 2160, videoKbps: 16000, profile: .high),
    ]
}
