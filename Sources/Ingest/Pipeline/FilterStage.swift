import FFmpegKit
import MediaCore

/// A filter graph that follows its input's format: when the source changes rate, layout or picture size
/// mid-stream, the old graph is drained and a new one built for the new format. The audio track and every
/// video rung run their frames through one of these.
final class FilterStage {
    private let build: (FilterSource) throws -> FilterGraph
    private var graph: FilterGraph?
    private var source: FilterSource?
    private let filtered = Frame()

    init(build: @escaping (FilterSource) throws -> FilterGraph) {
        self.build = build
    }

    /// Feeds one frame and hands every filtered frame that is ready to `deliver`, with the time base its
    /// timestamp is in. The frame passed to `deliver` is reused: take what is needed before returning.
    func push(_ frame: Frame, format: FilterSource, deliver: (Frame, Rational) throws -> Void) throws {
        if source != format {
            try drain(deliver: deliver)
            graph = try build(format)
            source = format
        }
        try graph?.push(frame)
        try pull(deliver)
    }

    /// Ends the input and hands on what the graph still holds (buffered samples, the last pictures).
    func drain(deliver: (Frame, Rational) throws -> Void) throws {
        guard graph != nil else { return }
        try graph?.push(nil)
        try pull(deliver)
        graph = nil
        source = nil
    }

    private func pull(_ deliver: (Frame, Rational) throws -> Void) throws {
        guard let graph else { return }
        while try graph.pull(into: filtered) {
            try deliver(filtered, graph.outputTimeBase)
        }
    }
}
