import Foundation

/// What one publisher reported (PublishRole's output line).
struct PublishedStream {
    var name: String
    var start: Double
    var mediaSeconds: Double
    var maxLag: Double
    var lastLag: Double
    var error: String

    init?(line: String) {
        let parts = line.split(separator: " ")
        guard parts.count == 7, parts[0] == "stream" else { return nil }
        func value(_ index: Int) -> Substring { parts[index].split(separator: "=", maxSplits: 1).last ?? "" }
        name = String(parts[1])
        start = Double(value(2)) ?? 0
        mediaSeconds = Double(value(3)) ?? 0
        maxLag = Double(value(4)) ?? 0
        lastLag = Double(value(5)) ?? 0
        error = value(6) == "-" ? "" : String(value(6))
    }
}

/// One segment as a server left it: media times in seconds, and when it was complete on disk.
struct SegmentRecord {
    var number: Int
    var start: Double
    var duration: Double
    var availableAt: Double
    var fileExists: Bool
}

/// Did one stream keep up? Every segment present and numbered without gaps, every segment but the last
/// at the target duration, the segments covering all the media sent, none on disk more than
/// `lateAfter` seconds after its last frame was due, and the publisher never held up by the server.
struct StreamVerdict {
    var segments = 0
    var badDurations = 0
    var late = 0
    var missingFiles = 0
    var uncoveredSeconds = 0.0
    var worstLatency = 0.0
    var maxLag = 0.0
    var problems: [String] = []
    var keptUp: Bool { problems.isEmpty }

    static let lateAfter = 1.0
    static let maxPublisherLag = 1.0

    init(published: PublishedStream, segments records: [SegmentRecord], target: Double, tolerance: Double = 0.1) {
        let sorted = records.sorted { $0.number < $1.number }
        segments = sorted.count
        maxLag = published.maxLag
        if !published.error.isEmpty { problems.append("publisher failed: \(published.error)") }
        if published.maxLag > Self.maxPublisherLag {
            problems.append(String(format: "publisher fell %.1f s behind real time", published.maxLag))
        }
        guard let first = sorted.first, let last = sorted.last else {
            problems.append("no segments")
            return
        }
        if last.number - first.number + 1 != sorted.count { problems.append("segment numbers have gaps") }
        for (index, record) in sorted.enumerated() {
            if !record.fileExists { missingFiles += 1 }
            if index < sorted.count - 1, abs(record.duration - target) > tolerance { badDurations += 1 }
            let latency = record.availableAt - (published.start + record.start + record.duration)
            worstLatency = max(worstLatency, latency)
            if latency > Self.lateAfter { late += 1 }
        }
        uncoveredSeconds = max(0, published.mediaSeconds - (last.start + last.duration - first.start))
        if missingFiles > 0 { problems.append("\(missingFiles) segment files missing") }
        if badDurations > 0 { problems.append("\(badDurations) segments not \(target) s long") }
        if late > 0 { problems.append("\(late) segments late") }
        if uncoveredSeconds > 0.5 { problems.append(String(format: "%.1f s of media not in any segment", uncoveredSeconds)) }
    }
}

/// nginx-rtmp's segments of one stream, from `hls/<stream>/index.m3u8` (hls_nested on): EXTINF durations
/// in order, start times accumulated from 0, file modification time as the moment each was complete.
func nginxSegments(streamDirectory: URL) -> [SegmentRecord] {
    guard let playlist = try? String(contentsOf: streamDirectory.appendingPathComponent("index.m3u8"), encoding: .utf8) else {
        return []
    }
    var records: [SegmentRecord] = []
    var duration: Double?
    var start = 0.0
    var sequence = 0
    for line in playlist.split(separator: "\n") {
        if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") { sequence = Int(line.dropFirst(22)) ?? 0 }
        if line.hasPrefix("#EXTINF:") { duration = Double(line.dropFirst(8).split(separator: ",").first ?? "") }
        guard !line.hasPrefix("#"), let length = duration else { continue }
        let path = streamDirectory.appendingPathComponent(String(line)).path
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        records.append(SegmentRecord(number: sequence + records.count, start: start, duration: length,
                                     availableAt: modified, fileExists: attributes != nil))
        start += length
        duration = nil
    }
    return records
}
