import Foundation
import MediaCore
import RTMP

/// What one input (primary or backup publisher) of a stream has sent lately: enough to take over from
/// the other input at once. A standby's media is parsed like the active one's but only its newest group
/// of pictures is kept (from its last keyframe), so a takeover starts with a picture a player can decode
/// instead of waiting up to a GOP for the next one.
struct InputFeed {
    var connected = false
    /// Wall-clock time the publisher connected (the loss clock of an input that never sent media).
    var connectedAt: Double = 0
    var metadata: ArrivedMediaEvent?
    var videoConfig: ArrivedMediaEvent?
    var audioConfig: ArrivedMediaEvent?
    /// Standby only: media since its newest video keyframe (empty until one came).
    var gop: [ArrivedMediaEvent] = []
    var lastMediaAt: Double?
    /// Start of its current run of media without a gap longer than the loss time (auto failback waits
    /// for the primary to be steady this long).
    var steadySince: Double?
    /// Its newest video decode time (publisher ms) and when that frame arrived: where its clock is.
    var lastVideo: (dts: Int64, at: Double)?
    var lastAudioPTS: Int64?

    /// Media events a standby keeps at most (a GOP of ~20 s at 60 fps with audio); beyond that its GOP is
    /// dropped until the next keyframe rather than pinning memory.
    static let maxBufferedEvents = 4096

    mutating func note(_ arrived: ArrivedMediaEvent, buffering: Bool, lossSeconds: Double) {
        switch arrived.event {
        case .metadata: metadata = arrived
        case .videoConfig: videoConfig = arrived
        case .audioConfig: audioConfig = arrived
        case .video(let frame):
            noteMedia(at: arrived.receivedAt, lossSeconds: lossSeconds)
            lastVideo = (frame.dts, arrived.receivedAt)
            if buffering {
                if frame.isKeyframe { gop = [arrived] } else if !gop.isEmpty { gop.append(arrived) }
            }
        case .audio(let frame):
            noteMedia(at: arrived.receivedAt, lossSeconds: lossSeconds)
            lastAudioPTS = frame.pts
            if buffering, !gop.isEmpty { gop.append(arrived) }
        case .codedAudio:
            break  // converted to AAC by the listener before it gets here
        }
        if !buffering || gop.count > Self.maxBufferedEvents { gop = [] }
    }

    private mutating func noteMedia(at time: Double, lossSeconds: Double) {
        let unbroken = lastMediaAt.map { time - $0 <= lossSeconds } ?? false
        if !unbroken { steadySince = time }
        lastMediaAt = time
    }

    /// The newest moment this input was heard from: its newest media, or its connecting when none came.
    var lastHeard: Double { lastMediaAt ?? connectedAt }

    var keyframeDTS: Int64? {
        guard case .video(let frame)? = gop.first?.event, frame.isKeyframe else { return nil }
        return frame.dts
    }

    /// Publisher clock minus wall clock (ms) at its newest video frame, or at its buffered keyframe.
    func clockOffset(atKeyframe: Bool) -> Double? {
        if atKeyframe, let first = gop.first, case .video(let frame) = first.event { return Double(frame.dts) - first.receivedAt * 1000 }
        return lastVideo.map { Double($0.dts) - $0.at * 1000 }
    }
}

/// Redundant inputs of one stream (issue 15): which publisher feeds the segmenter, when to switch and
/// how. The active input's media goes to the segmenter; the standby's is parsed and its newest GOP kept.
/// The stream switches when the active input's connection ends or it sends no media for `lossSeconds`
/// (noticed as the standby's media arrives), and back per `FailbackMode`. A switch lands on a keyframe of
/// the new input: when both inputs run on one clock with the same encoder settings the open segment
/// simply goes on with the new input's media after the old one's last; otherwise the old input's media
/// is cut as a (short) segment and the new input's starts the next number as a discontinuity, its
/// timeline joined to the old one's end (as after a reconnect). Numbering continues either way.
struct InputFailover {
    /// Switches kept for the API.
    static let keptSwitches = 20
    /// Two publisher clocks within this of each other (ms, against the wall clock) are one timeline.
    static let sameClockToleranceMs: Double = 500

    let lossSeconds: Double
    let steadySeconds: Double
    let mode: FailbackMode
    var feeds: [LiveInput: InputFeed] = [.primary: InputFeed(), .backup: InputFeed()]
    var active: LiveInput?
    /// The active input was lost while the other had no keyframe yet: the switch waits for one.
    var pending: (from: LiveInput, reason: InputSwitch.Reason)?
    /// What the lost input had sent, kept while the switch waits (its input may reconnect meanwhile).
    var lostFeed: InputFeed?
    var failbackRequested = false
    var switches: [InputSwitch] = []
    var counts: [InputSwitch.Reason: Int] = [:]

    init(lossSeconds: Double, steadySeconds: Double, mode: FailbackMode) {
        self.lossSeconds = lossSeconds
        self.steadySeconds = steadySeconds
        self.mode = mode
    }

    var anyConnected: Bool { feeds.values.contains { $0.connected } }
    func isConnected(_ input: LiveInput) -> Bool { feeds[input]?.connected == true }

    var status: LiveInputStatus {
        LiveInputStatus(active: active, connected: LiveInput.allCases.filter(isConnected), switches: switches,
                        failbackPending: failbackRequested)
    }

    /// A publisher connects on `input`; true when it becomes the active input at once (nothing else is
    /// connected or awaited), false when it is a standby.
    mutating func connect(_ input: LiveInput, at now: Double) -> Bool {
        feeds[input] = InputFeed(connected: true, connectedAt: now)
        guard active == nil, pending == nil else { return false }
        active = input
        return true
    }

    /// Media from `input`: written when it is the active one, else kept and perhaps switched to.
    mutating func receive(_ arrived: ArrivedMediaEvent, from input: LiveInput,
                          segmenter: inout LiveSegmenter) -> (outputs: [LiveSegmenter.Output], switched: InputSwitch?) {
        feeds[input]?.note(arrived, buffering: input != active, lossSeconds: lossSeconds)
        if input == active { return (segmenter.receive(arrived), nil) }
        guard let feed = feeds[input], feed.keyframeDTS != nil else { return ([], nil) }
        let now = arrived.receivedAt
        if active == nil, let pending {
            return switchTo(input, from: pending.from, reason: pending.reason, at: now, segmenter: &segmenter)
        }
        guard let current = active, let currentFeed = feeds[current] else { return ([], nil) }
        if now - currentFeed.lastHeard > lossSeconds {
            return switchTo(input, from: current, reason: .inputLoss, at: now, segmenter: &segmenter)
        }
        guard input == .primary, case .video(let frame) = arrived.event, frame.isKeyframe else { return ([], nil) }
        switch mode {
        case .auto where now - (feed.steadySince ?? now) >= steadySeconds:
            return switchTo(input, from: current, reason: .failback, at: now, segmenter: &segmenter)
        case .manual where failbackRequested:
            return switchTo(input, from: current, reason: .manualFailback, at: now, segmenter: &segmenter)
        default:
            return ([], nil)
        }
    }

    /// The publisher on `input` left. When it was the active one the other input takes over (now, or at
    /// its first keyframe); with nobody left the open segment is written as the session's last.
    mutating func disconnect(_ input: LiveInput, at now: Double,
                             segmenter: inout LiveSegmenter) -> (outputs: [LiveSegmenter.Output], switched: InputSwitch?) {
        let leaving = feeds[input]
        feeds[input]?.connected = false
        feeds[input]?.gop = []
        if input == .primary { failbackRequested = false }
        let other = input.other
        if input == active || pending?.from == input || (active == nil && pending != nil) {
            if isConnected(other) {
                let from = pending?.from ?? input
                let taken = switchTo(other, from: from, reason: .connectionLost, at: now, segmenter: &segmenter)
                if taken.switched != nil { return taken }
                if pending == nil { lostFeed = leaving }
                active = nil
                pending = (from, .connectionLost)
                return (taken.outputs, nil)
            }
            active = nil
            pending = nil
            lostFeed = nil
            return (segmenter.endSession(), nil)
        }
        return ([], nil)
    }

    /// `live.failback: manual`: switch back to the primary at its next keyframe.
    mutating func requestFailback(stream: SafeName) throws(FailbackRefusal) {
        guard isConnected(.primary) else { throw .primaryNotConnected(stream) }
        guard active != .primary else { throw .alreadyOnPrimary(stream) }
        failbackRequested = true
    }

    /// Makes `input` the active one, starting with its buffered GOP. Nil switch (and no outputs) when it
    /// cannot take over yet: no keyframe, or (one timeline) none newer than the old input's last picture.
    private mutating func switchTo(_ input: LiveInput, from: LiveInput, reason: InputSwitch.Reason, at now: Double,
                                   segmenter: inout LiveSegmenter) -> (outputs: [LiveSegmenter.Output], switched: InputSwitch?) {
        guard var new = feeds[input], let keyframe = new.keyframeDTS, let old = pending == nil ? feeds[from] : lostFeed ?? feeds[from] else {
            return ([], nil)
        }
        let oneTimeline = Self.sameTimeline(old: old, new: new)
        var out: [LiveSegmenter.Output] = []
        var replay: [ArrivedMediaEvent]
        if oneTimeline {
            // The open segment goes on: only the new input's media after the old one's last.
            if let last = old.lastVideo?.dts, keyframe <= last { return ([], nil) }
            replay = new.gop.filter {
                if case .audio(let frame) = $0.event, let last = old.lastAudioPTS { return frame.pts > last }
                return true
            }
        } else {
            out += segmenter.endSession()
            segmenter.beginSession(discontinuity: true)
            replay = [new.metadata, new.videoConfig, new.audioConfig].compactMap { $0 } + new.gop
        }
        // Times of day stay in order: the buffered GOP may have arrived before the old input's last media.
        let floor = old.lastMediaAt ?? 0
        let segment = segmenter.openNumber
        for var event in replay {
            event.receivedAt = max(event.receivedAt, floor)
            out += segmenter.receive(event)
        }
        new.gop = []
        feeds[input] = new
        active = input
        pending = nil
        lostFeed = nil
        if input == .primary { failbackRequested = false }
        let change = InputSwitch(at: now, from: from, to: input, reason: reason, segment: segment, discontinuity: !oneTimeline)
        switches.append(change)
        if switches.count > Self.keptSwitches { switches.removeFirst(switches.count - Self.keptSwitches) }
        counts[reason, default: 0] += 1
        return (out, change)
    }

    /// One timeline: the same encoder settings (init segments) and publisher clocks that agree with each
    /// other against the wall clock, so the new input's times follow the old one's without a jump.
    static func sameTimeline(old: InputFeed, new: InputFeed) -> Bool {
        guard old.videoConfig?.event == new.videoConfig?.event, old.audioConfig?.event == new.audioConfig?.event,
              let before = old.clockOffset(atKeyframe: false), let after = new.clockOffset(atKeyframe: true) else { return false }
        return abs(before - after) <= sameClockToleranceMs
    }
}
