import MediaCore

/// The ladder used when no configuration says otherwise (the same values as config/ladder.yaml).
public enum DefaultLadder {
    public static let rungs: [LadderRung] = LadderRung.standardLadder

    /// `--rungs 1080,720,360`: the configured rungs at those heights; a height the ladder lacks gets a
    /// bitrate interpolated from its neighbours (or scaled from the nearest end).
    public static func select(heights: [Int], from ladder: [LadderRung]) throws(IngestError) -> [LadderRung] {
        let sorted = ladder.sorted { $0.height < $1.height }
        guard let lowest = sorted.first, let highest = sorted.last else { throw .emptyLadder }
        var chosen: [LadderRung] = []
        for height in Set(heights).sorted() {
            guard height >= 64, height <= 4320, height % 2 == 0 else { throw .invalidRungHeight(height) }
            if let rung = sorted.first(where: { $0.height == height }) {
                chosen.append(rung)
            } else if let above = sorted.first(where: { $0.height > height }), let below = sorted.last(where: { $0.height < height }) {
                chosen.append(LadderPlanner.interpolated(height: height, below: below, above: above))
            } else {
                let end = height < lowest.height ? lowest : highest
                let kbps = Double(end.videoKbps) * LadderPlanner.area(height) / LadderPlanner.area(end.height)
                chosen.append(LadderRung(height: height, videoKbps: max(Int(kbps.rounded()), 100), profile: end.profile))
            }
        }
        return chosen
    }
}
