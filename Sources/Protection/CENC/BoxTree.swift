/// Just enough ISO-BMFF structure to add the CENC boxes to clear CMAF: a box is its type, the bytes of
/// its payload that come before any child boxes (`prefix`: a full box header, a sample entry's fields),
/// and its children, or its whole payload when it is a leaf. Sizes are recomputed when written, so an
/// edited tree serialises with every enclosing size right.
struct BoxNode: Equatable {
    var type: String
    var prefix: [UInt8]
    var children: [BoxNode]?

    /// Bytes before the children of each container type we descend into.
    static func childOffset(of type: String) -> Int? {
        switch type {
        case "moov", "trak", "mdia", "minf", "stbl", "mvex", "moof", "traf", "sinf", "schi", "dinf", "edts", "udta": return 0
        case "stsd": return 8
        case "avc1", "avc3", "hvc1", "hev1", "encv": return 78
        case "mp4a", "ac-3", "ec-3", "opus", "fLaC", "enca": return 28
        default: return nil
        }
    }

    static func parse(_ bytes: [UInt8], range: Range<Int>, parent: String) throws -> [BoxNode] {
        var nodes: [BoxNode] = []
        var offset = range.lowerBound
        while offset < range.upperBound {
            guard range.upperBound - offset >= 8 else {
                throw ProtectionError.badSampleMap(reason: "\(parent): \(range.upperBound - offset) stray bytes at \(offset)")
            }
            var size = Int(readU32(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            var header = 8
            if size == 1 {
                guard range.upperBound - offset >= 16 else { throw ProtectionError.badSampleMap(reason: "\(type): truncated large size") }
                size = Int(readU64(bytes, offset + 8))
                header = 16
            } else if size == 0 {
                size = range.upperBound - offset
            }
            guard size >= header, size <= range.upperBound - offset else {
                throw ProtectionError.badSampleMap(reason: "box \(type) at \(offset) has size \(size), \(range.upperBound - offset) bytes remain")
            }
            let payload = (offset + header)..<(offset + size)
            if let skip = childOffset(of: type), payload.count >= skip {
                let children = try parse(bytes, range: (payload.lowerBound + skip)..<payload.upperBound, parent: type)
                nodes.append(BoxNode(type: type, prefix: Array(bytes[payload.lowerBound..<(payload.lowerBound + skip)]), children: children))
            } else {
                nodes.append(BoxNode(type: type, prefix: Array(bytes[payload]), children: nil))
            }
            offset += size
        }
        return nodes
    }

    var size: Int { 8 + prefix.count + (children?.reduce(0) { $0 + $1.size } ?? 0) }

    func write(to out: inout [UInt8]) {
        out.appendU32(UInt32(size))
        out.append(contentsOf: Array(type.utf8.prefix(4)))
        out.append(contentsOf: prefix)
        for child in children ?? [] { child.write(to: &out) }
    }

    func first(_ type: String) -> BoxNode? { children?.first { $0.type == type } }

    /// The node at a path of child types (`["trak", "mdia"]`), nil when missing.
    func find(_ path: [String]) -> BoxNode? {
        guard let head = path.first else { return self }
        return first(head)?.find(Array(path.dropFirst()))
    }

    /// Applies `edit` to every node at `path` (all matching children at each level).
    mutating func edit(_ path: [String], _ edit: (inout BoxNode) throws -> Void) rethrows {
        guard let head = path.first else { try edit(&self); return }
        guard var children else { return }
        for index in children.indices where children[index].type == head {
            try children[index].edit(Array(path.dropFirst()), edit)
        }
        self.children = children
    }

    static func leaf(_ type: String, _ payload: [UInt8]) -> BoxNode { BoxNode(type: type, prefix: payload, children: nil) }
    static func container(_ type: String, _ children: [BoxNode]) -> BoxNode { BoxNode(type: type, prefix: [], children: children) }
}

func readU32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
}

func readU64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
    UInt64(readU32(bytes, offset)) << 32 | UInt64(readU32(bytes, offset + 4))
}

extension Array where Element == UInt8 {
    mutating func appendU32(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }

    mutating func appendU16(_ value: UInt16) {
        append(contentsOf: [UInt8(value >> 8), UInt8(value & 0xFF)])
    }

    mutating func writeU32(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(value >> 24)
        self[offset + 1] = UInt8((value >> 16) & 0xFF)
        self[offset + 2] = UInt8((value >> 8) & 0xFF)
        self[offset + 3] = UInt8(value & 0xFF)
    }
}
