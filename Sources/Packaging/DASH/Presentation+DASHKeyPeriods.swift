import MediaCore

/// DASH key rotation by Period (DASH-IF IOP §7.7.1: a key change starts a new Period): each period of
/// the presentation is cut where the key period of its segments changes, so every Period's
/// `ContentProtection` names the one key its segments are encrypted with, and its init (whose `tenc`
/// carries that key id) has its own URL (`keyperiod=N`).
extension Presentation {
    func dashPeriods(in range: ClosedRange<Int>) -> [PeriodPlan] {
        let plans = periods(in: range)
        guard let protection = dashProtection, protection.rotates else { return plans }
        var out: [PeriodPlan] = []
        for plan in plans {
            // Walk the period from its first segment in the index (not the clipped window), so a key
            // period's anchor, and with it its start and presentationTimeOffset, stay put as the window slides.
            var current: PeriodPlan?
            for number in timeline.numbers where number >= plan.anchorNumber && number <= plan.lastNumber {
                let key = protection.segmentPeriods[number] ?? 0
                if var sub = current, sub.keyPeriod == key {
                    sub.lastNumber = number
                    current = sub
                    continue
                }
                if let finished = current, finished.lastNumber >= plan.firstNumber { out.append(finished) }
                var sub = plan
                sub.id = plan.id + "-k\(key)"
                sub.keyPeriod = key
                if number != plan.anchorNumber {
                    sub.anchorNumber = number
                    sub.start = timeline.starts[timeline.index(of: number)]
                    sub.zeroOffset = false
                }
                sub.firstNumber = max(number, plan.firstNumber)
                sub.lastNumber = number
                current = sub
            }
            if let finished = current, finished.lastNumber >= plan.firstNumber { out.append(finished) }
        }
        return out
    }

    /// The query that picks a key period's init (period 0's is the plain init URL).
    static func keyPeriodQuery(_ period: PeriodPlan) -> String {
        guard let key = period.keyPeriod, key != 0 else { return "" }
        return "&keyperiod=\(key)"
    }
}
