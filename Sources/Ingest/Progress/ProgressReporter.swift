import Foundation

/// Where and how progress is shown: a redrawn bar on a terminal, JSON lines for machines, or nothing
/// (stdout is a file or pipe: only the final line is printed).
public struct ProgressReporter {
    public enum Style: Sendable, Equatable {
        case bar
        case jsonLines
        case quiet
    }

    public let style: Style
    private let write: (String) -> Void

    /// - Parameter write: receives finished text (a bar line starts with `\r`, JSON lines end with `\n`).
    public init(style: Style, write: @escaping (String) -> Void) {
        self.style = style
        self.write = write
    }

    /// The style for a command run: JSON when asked, a bar on a terminal, quiet otherwise.
    public static func style(json: Bool, isTerminal: Bool) -> Style {
        json ? .jsonLines : isTerminal ? .bar : .quiet
    }

    public func report(_ progress: TranscodeProgress) {
        let snapshot = ProgressSnapshot(progress)
        switch style {
        case .bar: write("\r" + snapshot.barLine() + "\u{1B}[K")
        case .jsonLines: write(Self.jsonLine(ProgressEvent(event: "progress", progress: snapshot)))
        case .quiet: break
        }
    }

    /// Ends the bar's line so the summary starts on a fresh one.
    public func finishBar() {
        if style == .bar { write("\r\u{1B}[K") }
    }

    /// One JSON object per line with sorted keys (stable output for scripts and tests).
    public static func jsonLine<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// A JSON line's payload: `{"event":"progress","progress":{...}}`.
private struct ProgressEvent: Encodable {
    var event: String
    var progress: ProgressSnapshot
}
