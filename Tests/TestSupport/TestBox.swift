import Foundation

/// A small ISO BMFF reader for the tests: it reads back what a writer under test wrote (box tree, tfdt,
/// trun) independently of the writer's code, with the big-endian reader the tests share.
public struct TestBox {
    public var type: String
    public var body: [UInt8]

    public static func parse(_ bytes: [UInt8]) -> [TestBox] {
        var boxes: [TestBox] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            let size = Int(be(bytes, offset, 4))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard size >= 8, offset + size <= bytes.count else { break }
            boxes.append(TestBox(type: type, body: Array(bytes[(offset + 8)..<(offset + size)])))
            offset += size
        }
        return boxes
    }

    public static let containers: Set<String> = ["moov", "trak", "mdia", "minf", "stbl", "dinf", "mvex", "moof", "traf"]

    public var children: [TestBox] { TestBox.parse(body) }

    /// The first box of `type` anywhere below (depth first).
    public func find(_ path: String) -> TestBox? {
        for child in children {
            if child.type == path { return child }
            if TestBox.containers.contains(child.type), let found = child.find(path) { return found }
        }
        return nil
    }

    public static func be(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt64 {
        BigEndian.uint(bytes, at: offset, count: count)
    }
}

/// What one media segment file says about itself.
public struct SegmentFacts {
    public var sequenceNumber: UInt32
    public var baseMediaDecodeTime: UInt64
    public var sampleDurations: [UInt32]
    public var sampleFlags: [UInt32]
    public var mdatSize: Int

    public init(file: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: file))
        let top = TestBox.parse(bytes)
        guard let moof = top.first(where: { $0.type == "moof" }), let mdat = top.first(where: { $0.type == "mdat" }),
              let mfhd = moof.find("mfhd"), let tfdt = moof.find("tfdt"), let trun = moof.find("trun") else {
            throw TestFailure("\(file.lastPathComponent) lacks moof/mfhd/tfdt/trun/mdat: \(top.map(\.type))")
        }
        sequenceNumber = UInt32(TestBox.be(mfhd.body, 4, 4))
        baseMediaDecodeTime = tfdt.body[0] == 1 ? TestBox.be(tfdt.body, 4, 8) : TestBox.be(tfdt.body, 4, 4)
        let flags = UInt32(TestBox.be(trun.body, 1, 3))
        let count = Int(TestBox.be(trun.body, 4, 4))
        var offset = 8
        if flags & 0x1 != 0 { offset += 4 }
        if flags & 0x4 != 0 { offset += 4 }
        sampleDurations = []
        sampleFlags = []
        for _ in 0..<count {
            if flags & 0x100 != 0 { sampleDurations.append(UInt32(TestBox.be(trun.body, offset, 4))); offset += 4 }
            if flags & 0x200 != 0 { offset += 4 }
            if flags & 0x400 != 0 { sampleFlags.append(UInt32(TestBox.be(trun.body, offset, 4))); offset += 4 }
            if flags & 0x800 != 0 { offset += 4 }
        }
        mdatSize = mdat.body.count
    }

    public var duration: UInt64 { sampleDurations.reduce(0) { $0 + UInt64($1) } }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
