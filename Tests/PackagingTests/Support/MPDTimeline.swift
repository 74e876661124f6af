import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MediaCore

/// Reads an MPD as XML (not as our text) and expands every SegmentTimeline into the segments a DASH client
/// would request, so tests can compare them with the segment index they came from.
struct MPDTimeline {
    struct Segment: Equatable { var number: Int; var time: Int64; var duration: Int64; var presentation: Double }
    struct Period { var id: String; var start: Double; var segments: [String: [Segment]] }

    var type: String
    var periods: [Period] = []
    var problems: [String] = []

    init(_ text: String) throws {
        let document = try XMLDocument(data: Data(text.utf8))
        let root = try require_(document.rootElement(), "no root element")
        type = root.value("type") ?? "static"
        for period in root.elements(forName: "Period") {
            let start = Self.seconds(period.value("start")) ?? 0
            var result = Period(id: period.value("id") ?? "", start: start, segments: [:])
            for set in period.elements(forName: "AdaptationSet") {
                for rep in set.elements(forName: "Representation") {
                    let id = rep.value("id") ?? "?"
                    guard let template = rep.elements(forName: "SegmentTemplate").first,
                          let timeline = template.elements(forName: "SegmentTimeline").first else {
                        problems.append("\(id): no SegmentTemplate/SegmentTimeline"); continue
                    }
                    let ts = Double(template.value("timescale") ?? "1") ?? 1
                    let pto = Int64(template.value("presentationTimeOffset") ?? "0") ?? 0
                    var number = Int(template.value("startNumber") ?? "1") ?? 1
                    var time: Int64 = 0
                    var segments: [Segment] = []
                    for s in timeline.elements(forName: "S") {
                        if let t = s.value("t").flatMap({ Int64($0) }) {
                            if !segments.isEmpty && t < time { problems.append("\(id): S@t \(t) goes back") }
                            time = t
                        } else if segments.isEmpty {
                            problems.append("\(id): first S has no t")
                        }
                        let d = Int64(s.value("d") ?? "") ?? 0
                        let r = Int(s.value("r") ?? "0") ?? 0
                        for _ in 0...r {
                            segments.append(Segment(number: number, time: time, duration: d,
                                                    presentation: start + Double(time - pto) / ts))
                            number += 1
                            time += d
                        }
                    }
                    result.segments[id] = segments
                }
            }
            if let last = periods.last, start <= last.start { problems.append("period \(result.id) does not start after \(last.id)") }
            periods.append(result)
        }
    }

    /// All segments of one Representation across periods.
    func segments(_ id: String) -> [Segment] { periods.flatMap { $0.segments[id] ?? [] } }

    /// Compares with the index: each listed segment must be a real segment with the same number, time and duration.
    func mismatches(against indexes: [RenditionIndex]) -> [String] {
        var found = problems
        for index in indexes {
            let byNumber = Dictionary(uniqueKeysWithValues: index.segments.map { ($0.number, $0) })
            for s in segments(index.rendition.id.rawValue) {
                guard let real = byNumber[s.number] else { found.append("\(index.rendition.id) lists missing segment \(s.number)"); continue }
                if real.start != s.time || real.duration != s.duration {
                    found.append("\(index.rendition.id) seg \(s.number): MPD t=\(s.time) d=\(s.duration), index \(real.start)/\(real.duration)")
                }
            }
        }
        return found
    }

    /// `PT1H2M3.5S` → seconds (the forms our builder and common MPDs use).
    static func seconds(_ text: String?) -> Double? {
        guard let text, text.hasPrefix("PT") else { return nil }
        var rest = Substring(text)
        rest = rest.dropFirst(2)
        var total = 0.0, number = ""
        for ch in rest {
            switch ch {
            case "H": total += (Double(number) ?? 0) * 3600; number = ""
            case "M": total += (Double(number) ?? 0) * 60; number = ""
            case "S": total += Double(number) ?? 0; number = ""
            default: number.append(ch)
            }
        }
        return total
    }
}

struct MPDReadError: Error, CustomStringConvertible { var description: String }

func require_<T>(_ value: T?, _ message: String) throws -> T {
    guard let value else { throw MPDReadError(description: message) }
    return value
}

extension XMLElement {
    /// An attribute's value by name. (FoundationXML's `attribute(forName:)` misses plain attributes of
    /// elements in a default namespace on Linux, so look through the list.)
    func value(_ name: String) -> String? {
        attributes?.first { $0.name == name || $0.localName == name }?.stringValue
    }
}
