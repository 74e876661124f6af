import MediaCore

/// A stream's index as its journal describes it: the lines replayed in order, with no file access, so
/// the rules are tested on values. `SegmentFiles.restore` then keeps what is really on disk.
struct JournalReplay: Equatable {
    /// Renditions in first-seen order, each with its latest description and its live (not expired)
    /// segments by number.
    var renditions: [SafeName: Rendition] = [:]
    var order: [SafeName] = []
    var segments: [SafeName: [Int: SegmentInfo]] = [:]
    var discontinuities: Set<Int> = []
    /// The highest segment or init number any line names.
    var highestNumber: Int?
    /// Lines that decoded but lack the fields their kind needs.
    var incomplete = 0

    init(_ lines: [IndexJournal.Line]) {
        for line in lines { apply(line) }
    }

    private mutating func apply(_ line: IndexJournal.Line) {
        switch line.kind {
        case .header:
            raise(line.lastNumber)
            discontinuities.formUnion(line.discontinuities ?? [])
        case .initSegment:
            guard let rendition = line.rendition, let number = line.number else { incomplete += 1; return }
            describe(rendition)
            raise(number)
        case .segment:
            guard let rendition = line.rendition, let segment = line.segment else { incomplete += 1; return }
            describe(rendition)
            segments[rendition.id, default: [:]][segment.number] = segment
            if segment.discontinuity { discontinuities.insert(segment.number) }
            raise(segment.number)
        case .expired:
            guard let id = line.renditionID, let numbers = line.numbers else { incomplete += 1; return }
            for number in numbers { segments[id]?.removeValue(forKey: number) }
        }
    }

    private mutating func describe(_ rendition: Rendition) {
        if renditions.updateValue(rendition, forKey: rendition.id) == nil { order.append(rendition.id) }
    }

    private mutating func raise(_ number: Int?) {
        guard let number else { return }
        highestNumber = max(highestNumber ?? number, number)
    }

    /// Renditions with their segments in number order, video first (as the live index lists them).
    var indexes: [RenditionIndex] {
        let listed = order.compactMap { id -> RenditionIndex? in
            guard let rendition = renditions[id] else { return nil }
            return RenditionIndex(rendition: rendition, segments: (segments[id] ?? [:]).values.sorted { $0.number < $1.number })
        }
        return listed.filter { $0.rendition.kind == .video } + listed.filter { $0.rendition.kind != .video }
    }
}
