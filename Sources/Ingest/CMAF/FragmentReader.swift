/// Reads back what the CMAF writer produced: the init segment's timescale and each media segment's
/// `tfdt`, total sample duration and whether it opens with a sync sample. The segment index published
/// to the catalog comes from these bytes, not from what the encoder was asked to do.
enum FragmentReader {
    struct Box {
        var type: String
        /// Payload range (after the 8- or 16-byte header).
        var start: Int
        var end: Int
    }

    struct InitInfo: Equatable {
        var timescale: Int32
        var defaultSampleDuration: UInt32
    }

    struct FragmentInfo: Equatable {
        var baseDecodeTime: Int64
        var duration: Int64
        var sampleCount: Int
        var startsWithSyncSample: Bool
    }

    enum ReadError: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self { case .malformed(let what): return "malformed MP4: \(what)" }
        }
    }

    static func boxes(_ data: [UInt8], from start: Int = 0, to end: Int? = nil) throws -> [Box] {
        var result: [Box] = []
        var offset = start
        let limit = end ?? data.count
        while offset + 8 <= limit {
            var size = Int(u32(data, offset))
            let type = String(decoding: data[offset + 4 ..< offset + 8], as: UTF8.self)
            var header = 8
            if size == 1 {
                guard offset + 16 <= limit else { throw ReadError.malformed("truncated large box \(type)") }
                size = Int(u64(data, offset + 8))
                header = 16
            } else if size == 0 {
                size = limit - offset
            }
            guard size >= header, offset + size <= limit else { throw ReadError.malformed("box \(type) overruns its parent") }
            result.append(Box(type: type, start: offset + header, end: offset + size))
            offset += size
        }
        return result
    }

    static func child(_ type: String, of box: Box?, in data: [UInt8]) throws -> Box? {
        guard let box else { return nil }
        return try boxes(data, from: box.start, to: box.end).first { $0.type == type }
    }

    static func readInit(_ data: [UInt8]) throws -> InitInfo {
        let moov = try boxes(data).first { $0.type == "moov" }
        let mdhd = try child("mdhd", of: child("mdia", of: child("trak", of: moov, in: data), in: data), in: data)
        guard let mdhd else { throw ReadError.malformed("init segment without moov/trak/mdia/mdhd") }
        let version = data[mdhd.start]
        let timescale = u32(data, mdhd.start + (version == 1 ? 20 : 12))
        let trex = try child("trex", of: child("mvex", of: moov, in: data), in: data)
        let defaultDuration = trex.map { u32(data, $0.start + 12) } ?? 0
        guard timescale > 0 else { throw ReadError.malformed("mdhd timescale is zero") }
        return InitInfo(timescale: Int32(truncatingIfNeeded: timescale), defaultSampleDuration: defaultDuration)
    }

    static func readFragment(_ data: [UInt8], defaultSampleDuration: UInt32) throws -> FragmentInfo {
        let top = try boxes(data)
        guard let moof = top.first(where: { $0.type == "moof" }) else { throw ReadError.malformed("segment without moof") }
        guard let traf = try child("traf", of: moof, in: data),
              let tfhd = try child("tfhd", of: traf, in: data),
              let tfdt = try child("tfdt", of: traf, in: data) else { throw ReadError.malformed("moof without traf/tfhd/tfdt") }
        let base = data[tfdt.start] == 1 ? Int64(bitPattern: u64(data, tfdt.start + 4)) : Int64(u32(data, tfdt.start + 4))
        let defaults = trackDefaults(data, tfhd: tfhd, fallbackDuration: defaultSampleDuration)
        var duration: Int64 = 0
        var count = 0
        var firstSync: Bool?
        for trun in try boxes(data, from: traf.start, to: traf.end) where trun.type == "trun" {
            let run = readTrun(data, trun, defaults: defaults)
            duration += run.duration
            count += run.count
            if firstSync == nil, run.count > 0 { firstSync = run.firstIsSync }
        }
        return FragmentInfo(baseDecodeTime: base, duration: duration, sampleCount: count, startsWithSyncSample: firstSync ?? false)
    }

    private static func trackDefaults(_ data: [UInt8], tfhd: Box, fallbackDuration: UInt32) -> (duration: UInt32, flags: UInt32) {
        let flags = u32(data, tfhd.start) & 0xFFFFFF
        var offset = tfhd.start + 8  // version+flags, track_ID
        if flags & 0x1 != 0 { offset += 8 }
        if flags & 0x2 != 0 { offset += 4 }
        var duration = fallbackDuration
        if flags & 0x8 != 0 { duration = u32(data, offset); offset += 4 }
        if flags & 0x10 != 0 { offset += 4 }
        let sampleFlags = flags & 0x20 != 0 ? u32(data, offset) : 0
        return (duration, sampleFlags)
    }

    private static func readTrun(_ data: [UInt8], _ trun: Box, defaults: (duration: UInt32, flags: UInt32))
        -> (duration: Int64, count: Int, firstIsSync: Bool) {
        let flags = u32(data, trun.start) & 0xFFFFFF
        let count = Int(u32(data, trun.start + 4))
        var offset = trun.start + 8
        if flags & 0x1 != 0 { offset += 4 }
        var firstFlags: UInt32?
        if flags & 0x4 != 0 { firstFlags = u32(data, offset); offset += 4 }
        var duration: Int64 = 0
        for index in 0..<count {
            guard offset <= trun.end else { break }
            var sampleDuration = defaults.duration
            var sampleFlags = defaults.flags
            if flags & 0x100 != 0 { sampleDuration = u32(data, offset); offset += 4 }
            if flags & 0x200 != 0 { offset += 4 }
            if flags & 0x400 != 0 { sampleFlags = u32(data, offset); offset += 4 }
            if flags & 0x800 != 0 { offset += 4 }
            if index == 0, firstFlags == nil { firstFlags = sampleFlags }
            duration += Int64(sampleDuration)
        }
        // sample_is_non_sync_sample is bit 16 of the sample flags.
        return (duration, count, (firstFlags ?? defaults.flags) & 0x10000 == 0)
    }

    static func u32(_ d: [UInt8], _ i: Int) -> UInt32 {
        guard i + 4 <= d.count else { return 0 }
        return UInt32(d[i]) << 24 | UInt32(d[i + 1]) << 16 | UInt32(d[i + 2]) << 8 | UInt32(d[i + 3])
    }

    static func u64(_ d: [UInt8], _ i: Int) -> UInt64 { UInt64(u32(d, i)) << 32 | UInt64(u32(d, i + 4)) }
}
