import MediaCore

extension BoxReader {
    /// A time or duration that is 64 bits in version 1 of `mvhd`/`tkhd`/`mdhd`/`tfdt` and 32 bits otherwise.
    mutating func versioned(_ version: UInt8) throws -> UInt64 {
        version == 1 ? try u64() : UInt64(try u32())
    }
}

extension Array where Element == UInt8 {
    mutating func appendVersioned(_ value: UInt64, version: UInt8) {
        if version == 1 { appendBigEndian(value) } else { appendBigEndian(UInt32(truncatingIfNeeded: value)) }
    }
}

/// The fields `mvhd` and `mdhd` both start with after the full-box header: creation and modification
/// time, timescale, duration (the times 64-bit in version 1, 32-bit otherwise).
typealias HeaderTimes = (creationTime: UInt64, modificationTime: UInt64, timescale: UInt32, duration: UInt64)

extension BoxReader {
    mutating func headerTimes(_ version: UInt8) throws -> HeaderTimes {
        (try versioned(version), try versioned(version), try u32(), try versioned(version))
    }
}

extension Array where Element == UInt8 {
    mutating func appendHeaderTimes(_ times: HeaderTimes, version: UInt8) {
        appendVersioned(times.creationTime, version: version)
        appendVersioned(times.modificationTime, version: version)
        appendBigEndian(times.timescale)
        appendVersioned(times.duration, version: version)
    }
}
