import MediaCore

extension AnnexB {
    /// The sequence and picture parameter sets (NAL types 7 and 8) of an access unit, as Annex B bytes
    /// (each with a 4-byte start code): the codec configuration of a stream whose container has none.
    static func parameterSets(in bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for unit in nalUnits(bytes) where [7, 8].contains(unit[unit.startIndex] & 0x1F) {
            result += [0, 0, 0, 1] + unit
        }
        return result
    }
}
