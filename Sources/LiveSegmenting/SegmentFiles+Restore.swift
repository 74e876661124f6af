import Foundation
import MediaCore
import Storage

/// A stream's index as a new process finds it on disk.
struct RestoredIndex {
    var indexes: [RenditionIndex] = []
    var discontinuities: [Int] = []
    /// The highest segment or init number an earlier run used; the new run numbers after it.
    var highestNumber: Int?
    /// Media seconds where each rendition's restored segments end (the next run continues there).
    var resumeAtSeconds: [SafeName: Double] = [:]
    /// One line for the log when part of the journal or of the files could not be used; nil otherwise.
    var warning: String?
}

extension SegmentFiles {
    /// Reloads the index an earlier run left: the journal's segments whose files are still complete on
    /// disk (and whose init segment is), trimmed to `dvr`. Every other segment or init file is deleted,
    /// since nothing could ever expire it, after the highest number used is recorded (a name never comes
    /// back with other content). The journal is then rewritten to exactly what was restored, which also
    /// drops a line a crash cut short. Damaged lines and missing files cost only themselves.
    func restore(dvr: DVRRing) -> RestoredIndex {
        let onDisk = inventory()
        let journalRead = journal.read()
        let replay = JournalReplay(journalRead?.lines ?? [])
        var missing: [String] = []
        var restored = RestoredIndex()
        for index in replay.indexes {
            let files = onDisk[index.rendition.id] ?? LiveRenditionFiles()
            let present = index.segments.filter { segment in
                // A gap (never written: full disk) keeps its place, so numbering stays positional.
                if segment.gap { return true }
                let complete = files.segmentSizes[segment.number] == segment.size && files.inits.contains(segment.initNumber)
                if !complete { missing.append("\(index.rendition.id)/seg-\(segment.number).m4s") }
                return complete
            }
            let kept = dvr.trim(present, timescale: index.rendition.timescale).kept
            guard let last = kept.last else { continue }
            restored.indexes.append(RenditionIndex(rendition: index.rendition, segments: kept))
            restored.resumeAtSeconds[index.rendition.id] = Double(last.start + last.duration) / Double(index.rendition.timescale)
        }
        let fileNumbers = onDisk.values.flatMap { Array($0.segmentSizes.keys) + $0.inits.compactMap { $0 } }
        restored.highestNumber = (fileNumbers + [replay.highestNumber, recordedLastNumber()].compactMap { $0 }).max()
        restored.discontinuities = replay.discontinuities.sorted()
        // Remember the highest number before files go (if that fails, keep the files: they remember it).
        if let highest = restored.highestNumber, (try? recordLastNumber(highest)) != nil {
            removeUnused(onDisk, keeping: restored.indexes)
        }
        var problems: [String] = []
        if journalRead != nil {
            do {
                try journal.rewrite(IndexJournal.lines(restored.indexes, currentInits: [:], lastNumber: restored.highestNumber,
                                                       discontinuities: restored.discontinuities))
            } catch {
                problems.append("the journal could not be rewritten (\(error))")
            }
        }
        let damaged = (journalRead?.bad ?? 0) + replay.incomplete
        if damaged > 0 { problems.append("skipped \(damaged) damaged journal line\(damaged == 1 ? "" : "s")") }
        if let example = missing.first {
            problems.append("\(missing.count) listed segment\(missing.count == 1 ? " is" : "s are") missing or incomplete on disk (first: \(example))")
        }
        if !problems.isEmpty {
            let count = restored.indexes.reduce(0) { $0 + $1.segments.count }
            restored.warning = problems.joined(separator: "; ") + "; restored \(count) segments"
        }
        return restored
    }

    /// Deletes segment and init files that no restored segment uses.
    private func removeUnused(_ onDisk: [SafeName: LiveRenditionFiles], keeping indexes: [RenditionIndex]) {
        for (rendition, files) in onDisk {
            let segments = indexes.first { $0.rendition.id == rendition }?.segments ?? []
            let numbers = Set(segments.map(\.number))
            let inits = Set(segments.map(\.initNumber))
            for number in files.segmentSizes.keys where !numbers.contains(number) { remove(rendition, number: number) }
            for number in files.inits where !inits.contains(number) { removeInit(rendition, number: number) }
        }
    }
}

extension IndexJournal {
    /// The lines that describe an index exactly: a header, then per rendition its init segments (those its
    /// segments use and the newest one written) and its segments.
    static func lines(_ indexes: [RenditionIndex], currentInits: [SafeName: Int], lastNumber: Int?, discontinuities: [Int]) -> [Line] {
        var lines = [Line.header(lastNumber: lastNumber, discontinuities: discontinuities)]
        for index in indexes {
            var inits = Set(index.segments.compactMap(\.initNumber))
            if let current = currentInits[index.rendition.id] { inits.insert(current) }
            lines += inits.sorted().map { Line.initSegment(index.rendition, number: $0) }
            lines += index.segments.map { Line.segment(index.rendition, $0) }
        }
        return lines
    }
}
