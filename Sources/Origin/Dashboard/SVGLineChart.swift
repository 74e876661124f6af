import Analytics
import Foundation

/// A line chart drawn on the server as inline SVG: no chart library, nothing loaded by the page.
/// Pure: series in, markup out.
struct SVGLineChart {
    struct Series {
        var name: String
        var color: String
        var points: [TimeseriesPoint]
    }

    var title: String
    var series: [Series]
    var from: Int64
    var to: Int64
    /// Formats a value for the axis and the tooltips.
    var format: (Double) -> String

    static let width = 560.0, height = 180.0, left = 52.0, right = 12.0, top = 24.0, bottom = 24.0

    func render() -> String {
        let values = series.flatMap { $0.points.compactMap(\.value) }
        let maxValue = Self.niceCeiling(values.max() ?? 0)
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        func x(_ time: Int64) -> Double { Self.left + plotWidth * Double(time - from) / Double(max(1, to - from)) }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - value / maxValue) }
        var svg = """
            <svg class="chart" role="img" aria-label="\(Self.escape(title))" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" \
            xmlns="http://www.w3.org/2000/svg"><text x="\(Int(Self.left))" y="15" class="title">\(Self.escape(title))</text>
            """
        for step in 0...4 {
            let value = maxValue * Double(step) / 4
            let yy = y(value)
            svg += "<line x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.width - Self.right))\" y1=\"\(Self.number(yy))\" y2=\"\(Self.number(yy))\" class=\"grid\"/>"
            svg += "<text x=\"\(Int(Self.left - 4))\" y=\"\(Self.number(yy + 4))\" class=\"axis\" text-anchor=\"end\">\(Self.escape(format(value)))</text>"
        }
        svg += "<text x=\"\(Int(Self.left))\" y=\"\(Int(Self.height - 6))\" class=\"axis time\" data-ms=\"\(from)\"></text>"
        svg += "<text x=\"\(Int(Self.width - Self.right))\" y=\"\(Int(Self.height - 6))\" class=\"axis time\" text-anchor=\"end\" data-ms=\"\(to)\"></text>"
        for (index, line) in series.enumerated() {
            // A gap (no value) breaks the line instead of drawing it down to zero.
            var path = "", pen = false
            for point in line.points {
                guard let value = point.value else { pen = false; continue }
                path += "\(pen ? "L" : "M")\(Self.number(x(point.time))),\(Self.number(y(value)))"
                pen = true
            }
            svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\" class=\"series\" data-series=\"\(Self.escape(line.name))\"/>"
            for point in line.points {
                guard let value = point.value else { continue }
                svg += "<circle cx=\"\(Self.number(x(point.time)))\" cy=\"\(Self.number(y(value)))\" r=\"2\" fill=\"\(line.color)\">"
                    + "<title>\(Self.escape(line.name)): \(Self.escape(format(value)))</title></circle>"
            }
            svg += "<text x=\"\(Int(Self.width - Self.right - 110 * Double(series.count - index)))\" y=\"15\" fill=\"\(line.color)\" class=\"legend\">\(Self.escape(line.name))</text>"
        }
        return svg + "</svg>"
    }

    /// 1, 2 or 5 times a power of ten at or above `value` (at least 1), so axis labels are round.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
