import MediaCore
import MP4
import RTMP

/// One encoded picture of a transcoded rung: a length-prefixed H.264 access unit timed on the source's
/// clock (milliseconds, the times of the source picture it was made from). It is the same value as a
/// publisher's own picture (`RTMP.VideoFrame`), so it is that type rather than a copy of it.
public typealias RungFrame = VideoFrame

/// A transcoded rung inside the segmenter: its samples wait in their own fragmenter and are cut where the
/// source was cut (the rung's encoder forced an IDR on every source keyframe), with the source's segment
/// numbers and decode times, so segment N of every rendition starts at the same time.
struct RungTrack: Sendable {
    var fragmenter: TrackFragmenter
    var avcC: [UInt8]
    /// Source cuts the rung has not reached yet: (source keyframe's presentation ms, number of the segment it ends).
    var cuts: [(timeMs: Int64, number: Int)] = []
    /// Pictures presented before this (source ms) belong to a segment the rung did not join from its start;
    /// nil until the rung can join one.
    var startMs: Int64?
    /// A session that ended while the rung's encoder still held pictures of it (`closeRungs`): they are
    /// segmented on that session's timeline until the transcoder has delivered them all (`endRungSessions`).
    var closing: ClosingSession?
}

/// What a rung needs to finish a session the source has already left: the source's input-to-output
/// offset then, the cuts the rung had not reached, and the number of the session's last segment.
struct ClosingSession: Sendable {
    var adjust: Int64
    var cuts: [(timeMs: Int64, number: Int)]
    var lastNumber: Int
}

extension LiveSegmenter {
    /// A rung's encoder produced its configuration (x264's SPS/PPS as an avcC): a new rung joins at the
    /// open segment; a changed one (a new publisher session) gets a new init, like the source.
    public mutating func configureRung(_ id: SafeName, avcC: [UInt8], width: Int, height: Int) -> [Output] {
        guard let config = AVCConfig(avcC) else { return [] }
        if let known = rungs[id], known.avcC == avcC { return [] }
        let track = CMAFTrack(timescale: UInt32(LiveSegmenter.videoTimescale), codecString: config.codecString,
                              media: .video(avcC: avcC, width: width, height: height))
        let isNew = rungs[id] == nil
        var rung = rungs[id] ?? RungTrack(fragmenter: TrackFragmenter(track: track, renditionID: id, defaultSampleDuration: 3600), avcC: avcC)
        rung.avcC = avcC
        if isNew {
            rung.startMs = openSegmentStartMs
            rung.fragmenter.beginSession(discontinuity: discontinuityNext)
        }
        let out = install(track, on: &rung.fragmenter, isNew: false, frameRate: frameRate)
        rungs[id] = rung
        return out
    }

    /// Segments one rung picture. Works on `rungs[id]` in place so appending never copies the pending samples.
    public mutating func receiveRung(_ id: SafeName, _ frame: RungFrame, receivedAt: Double) -> [Output] {
        guard video != nil, rungs[id] != nil else { return [] }
        if let closing = rungs[id]!.closing {
            return receiveClosingRung(id, frame, receivedAt: receivedAt, closing: closing)
        }
        guard let start = rungs[id]!.startMs, frame.pts >= start else { return [] }
        // A rung's segment opens with its IDR, like the source's.
        if rungs[id]!.fragmenter.pendingStart == nil, rungs[id]!.fragmenter.segmentParts.isEmpty, !frame.isKeyframe { return [] }
        let dts = video!.outputTime(forInput: frame.dts * 90)
        var out: [Output] = []
        while let cut = rungs[id]!.cuts.first, frame.pts >= cut.timeMs {
            rungs[id]!.cuts.removeFirst()
            if let done = rungs[id]!.fragmenter.cut(number: cut.number, nextDTS: dts) {
                out += Self.outputs(done, rendition: rungs[id]!.fragmenter.rendition(frameRate: frameRate))
            }
        }
        if let partMs = partDurationMs, let last = rungs[id]!.fragmenter.lastPendingDTS,
           rungs[id]!.fragmenter.pendingDuration(until: dts + (dts - last)) > partMs * 90,
           let part = rungs[id]!.fragmenter.cutPart(number: rungs[id]!.cuts.first?.number ?? openNumber, nextDTS: dts) {
            out.append(.part(rungs[id]!.fragmenter.rendition(frameRate: frameRate), part.0, bytes: part.1))
        }
        rungs[id]!.fragmenter.append(dts: dts, compositionOffset: Int32(clamping: (frame.pts - frame.dts) * 90), isSync: frame.isKeyframe,
                                     data: frame.data, receivedAt: receivedAt)
        return out
    }

    /// A picture of the session the source has left: cut where that session's source was, timed on its
    /// timeline; the last segment waits for `endRungSessions`.
    private mutating func receiveClosingRung(_ id: SafeName, _ frame: RungFrame, receivedAt: Double, closing: ClosingSession) -> [Output] {
        if rungs[id]!.fragmenter.pendingStart == nil, rungs[id]!.fragmenter.segmentParts.isEmpty, !frame.isKeyframe { return [] }
        let dts = frame.dts * 90 + closing.adjust
        var out: [Output] = []
        while let cut = rungs[id]!.closing!.cuts.first, frame.pts >= cut.timeMs {
            rungs[id]!.closing!.cuts.removeFirst()
            if let done = rungs[id]!.fragmenter.cut(number: cut.number, nextDTS: dts) {
                out += Self.outputs(done, rendition: rungs[id]!.fragmenter.rendition(frameRate: frameRate))
            }
        }
        rungs[id]!.fragmenter.append(dts: dts, compositionOffset: Int32(clamping: (frame.pts - frame.dts) * 90), isSync: frame.isKeyframe,
                                     data: frame.data, receivedAt: receivedAt)
        return out
    }

    /// The source ended a session while the rungs' encoders still hold pictures of it: each rung keeps that
    /// session's timeline and cuts, and joins the next session once `endRungSessions` cut its last segment.
    mutating func closeRungs(lastNumber number: Int) {
        let adjust = video?.adjust ?? 0
        for id in rungs.keys where rungs[id]!.startMs != nil || rungs[id]!.closing != nil {
            // A rung still closing an earlier session when this one ends too (two ends within the encoders'
            // delay) sits this one out: it joins the next.
            if rungs[id]!.closing == nil {
                rungs[id]!.closing = ClosingSession(adjust: adjust, cuts: rungs[id]!.cuts, lastNumber: number)
            }
            rungs[id]!.cuts = []
            rungs[id]!.startMs = nil
        }
    }

    /// The transcoder delivered every picture of the session that ended: each rung's owed segments, then
    /// what it holds as the short last one; the rung then goes on with the open session.
    public mutating func endRungSessions() -> [Output] {
        var out: [Output] = []
        for id in rungs.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let closing = rungs[id]!.closing else { continue }
            for cut in closing.cuts {
                if let done = rungs[id]!.fragmenter.cut(number: cut.number, nextDTS: nil) {
                    out += Self.outputs(done, rendition: rungs[id]!.fragmenter.rendition(frameRate: frameRate))
                }
            }
            if let done = rungs[id]!.fragmenter.cut(number: closing.lastNumber, nextDTS: nil) {
                out += Self.outputs(done, rendition: rungs[id]!.fragmenter.rendition(frameRate: frameRate))
            }
            rungs[id]!.closing = nil
            rungs[id]!.fragmenter.beginSession(discontinuity: true)
            // The next session may have opened meanwhile (`startMs`, its cuts): the rung goes on with it.
        }
        return out
    }

    /// The source was cut at a keyframe presented at `timeMs`, ending segment `number`: every rung cuts there too.
    mutating func noteSourceCut(atMs timeMs: Int64, number: Int) {
        for id in rungs.keys where rungs[id]!.startMs != nil { rungs[id]!.cuts.append((timeMs, number)) }
    }

    /// A session's first keyframe opens segment `openNumber` at `timeMs`: rungs waiting to join start here.
    mutating func noteSegmentOpened(atMs timeMs: Int64) {
        openSegmentStartMs = timeMs
        for id in rungs.keys where rungs[id]!.startMs == nil { rungs[id]!.startMs = timeMs }
    }

    /// End of a session: each rung's owed segments, then what it holds as the short last one (`number`).
    mutating func endRungs(lastNumber number: Int) -> [Output] {
        var out: [Output] = []
        for id in rungs.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            for cut in rungs[id]!.cuts {
                if let done = rungs[id]!.fragmenter.cut(number: cut.number, nextDTS: nil) {
                    out += Self.outputs(done, rendition: rungs[id]!.fragmenter.rendition(frameRate: frameRate))
                }
            }
            if let done = rungs[id]!.fragmenter.cut(number: number, nextDTS: nil) {
                out += Self.outputs(done, rendition: rungs[id]!.fragmenter.rendition(frameRate: frameRate))
            }
            rungs[id]!.cuts = []
            rungs[id]!.startMs = nil
            rungs[id]!.fragmenter.beginSession(discontinuity: true)
        }
        return out
    }

    /// The rung stops (shed, or above the source): what it collected is dropped and it takes no more pictures.
    public mutating func removeRung(_ id: SafeName) {
        rungs[id] = nil
    }
}
