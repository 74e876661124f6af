import Analytics
import Foundation

/// The dashboard's HTML: charts of concurrent viewers, plays, startup time p50/p95, rebuffer ratio and
/// failures over the range, current totals, and the per-asset table. Pure: sessions in, text out.
struct DashboardPage {
    var sessions: [PlaybackSession]
    var from: Int64
    var to: Int64
    var step: Int64
    var now: Int64
    var rangeName: String
    var rangeNames: [String]

    func series(_ metric: TimeseriesMetric) -> [TimeseriesPoint] {
        // The range and step come from a fixed table, so the query is always valid.
        (try? TimeseriesQuery(metric: metric, from: from, to: to, step: step))?.points(sessions) ?? []
    }

    func chart(_ title: String, _ lines: [(String, String, TimeseriesMetric)], format: @escaping (Double) -> String) -> String {
        SVGLineChart(title: title, series: lines.map { .init(name: $0.0, color: $0.1, points: series($0.2)) },
                     from: from, to: to, format: format).render()
    }

    func html() -> String {
        let summary = AnalyticsSummary(sessions: sessions, now: now)
        let count: (Double) -> String = { String(Int($0.rounded())) }
        let seconds: (Double) -> String = { String(format: "%.2f s", $0 / 1000) }
        let percent: (Double) -> String = { String(format: "%.1f %%", $0 * 100) }
        let charts = [
            chart("Concurrent viewers", [("viewers", "#2563eb", .concurrent)], format: count),
            chart("Plays", [("plays", "#16a34a", .plays)], format: count),
            chart("Startup time", [("p50", "#9333ea", .startupP50), ("p95", "#db2777", .startupP95)], format: seconds),
            chart("Rebuffer ratio", [("rebuffer", "#ea580c", .rebufferRatio)], format: percent),
            chart("Playback failures", [("failures", "#dc2626", .failures), ("exits before start", "#64748b", .exits)], format: count),
        ]
        let rows = SubjectFigures.top(sessions, now: now, limit: 50).map { figures -> String in
            let s = figures.summary
            return "<tr><td>\(SVGLineChart.escape(figures.subject.kind.rawValue))</td><td>\(SVGLineChart.escape(figures.subject.id))</td>"
                + "<td>\(s.concurrentViewers)</td><td>\(s.plays)</td><td>\(s.startupTimeMs.map { seconds(Double($0.p50)) } ?? "–")</td>"
                + "<td>\(s.startupTimeMs.map { seconds(Double($0.p95)) } ?? "–")</td><td>\(s.rebufferRatio.map(percent) ?? "–")</td>"
                + "<td>\(s.failures)</td><td>\(s.exitsBeforeVideoStart)</td><td>\(String(format: "%.0f s", s.watchTimeSeconds))</td></tr>"
        }.joined()
        let ranges = rangeNames.map { $0 == rangeName ? "<b>\($0)</b>" : "<a href=\"?range=\($0)\">\($0)</a>" }.joined(separator: " · ")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>mediaserve · viewers</title>
            <meta http-equiv="refresh" content="5">
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5rem;color:#111}
            .tiles{display:flex;gap:1rem;flex-wrap:wrap}.tile{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem}
            .tile b{display:block;font-size:1.4rem}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:1rem;margin:1rem 0}
            .chart{width:100%;height:auto;border:1px solid #eee}.chart .title{font-weight:600;font-size:12px}
            .chart .axis,.chart .legend{font-size:10px;fill:#555}.chart .grid{stroke:#eee}
            table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:.25rem .75rem;text-align:left}
            </style></head><body>
            <h1>Viewers</h1>
            <p>Range: \(ranges) · <span id="updated" data-ms="\(now)"></span></p>
            <div class="tiles">
            <div class="tile">concurrent now<b id="concurrent">\(summary.concurrentViewers)</b></div>
            <div class="tile">plays<b>\(summary.plays)</b></div>
            <div class="tile">startup p50 / p95<b>\(summary.startupTimeMs.map { "\(seconds(Double($0.p50))) / \(seconds(Double($0.p95)))" } ?? "–")</b></div>
            <div class="tile">rebuffer ratio<b>\(summary.rebufferRatio.map(percent) ?? "–")</b></div>
            <div class="tile">failures<b>\(summary.failures)</b></div>
            <div class="tile">exits before start<b>\(summary.exitsBeforeVideoStart)</b></div>
            </div>
            <div class="charts">\(charts.joined(separator: "\n"))</div>
            <h2>By asset</h2>
            <table id="subjects"><thead><tr><th>kind</th><th>id</th><th>concurrent</th><th>plays</th><th>startup p50</th><th>startup p95</th>
            <th>rebuffer</th><th>failures</th><th>exits before start</th><th>watch time</th></tr></thead><tbody>\(rows)</tbody></table>
            <script>
            "use strict";
            for (const el of document.querySelectorAll("[data-ms]")) {
              const time = new Date(Number(el.dataset.ms));
              el.textContent = el.id === "updated" ? "updated " + time.toLocaleTimeString() : time.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
            }
            document.body.dataset.charts = String(document.querySelectorAll("svg.chart").length);
            </script>
            </body></html>
            """
    }
}
