import MediaCore
import Protection

/// Which key period each segment number of a listing is encrypted under. Decided once per segment
/// number, from the reference rendition (the first video rendition, else the first: the same one the
/// manifests' timeline follows), so every rendition's segment `n` shares a key even when an audio
/// segment starts a few milliseconds before the video boundary. Manifests and the encryptor both ask here.
enum KeySchedule {
    static func periods(_ listing: MediaListing, rotation: KeyRotation) -> [Int: Int] {
        guard rotation.isRotating,
              let reference = listing.renditions.first(where: { $0.rendition.kind == .video }) ?? listing.renditions.first else { return [:] }
        let timescale = Int(reference.rendition.timescale)
        var periods: [Int: Int] = [:]
        for segment in reference.segments { periods[segment.number] = rotation.periodIndex(start: segment.start, timescale: timescale) }
        return periods
    }
}
