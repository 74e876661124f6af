/// One box's header and where its payload lies in the buffer (ISO/IEC 14496-12 §4.2).
struct Box {
    let type: String
    /// Absolute offset of the box's first header byte.
    let offset: Int
    /// Absolute range of the payload (after size, type and any 64-bit size).
    let payload: Range<Int>

    var size: Int { payload.upperBound - offset }

    /// Reads the boxes laid end to end inside `range`, checking every size against what is really there.
    ///
    /// `size == 1` means a 64-bit size follows; `size == 0` means "to the end of the enclosing box".
    /// A size smaller than its own header, or larger than the bytes left, throws `badBoxSize`.
    static func children(of bytes: [UInt8], in range: Range<Int>, parent: String) throws -> [Box] {
        var boxes: [Box] = []
        var reader = BoxReader(bytes, range: range, box: parent)
        while !reader.isAtEnd {
            let start = reader.position
            guard reader.remaining >= 8 else {
                throw MP4Error.truncated(box: parent, offset: start, needed: 8, available: reader.remaining)
            }
            let size32 = try reader.u32()
            let type = try reader.fourCC()
            var size = UInt64(size32)
            if size32 == 1 {
                guard reader.remaining >= 8 else {
                    throw MP4Error.truncated(box: type, offset: start, needed: 16, available: reader.remaining + 8)
                }
                size = try reader.u64()
            } else if size32 == 0 {
                size = UInt64(reader.end - start)
            }
            let headerLength = reader.position - start
            let available = UInt64(reader.end - start)
            guard size >= UInt64(headerLength), size <= available else {
                throw MP4Error.badBoxSize(box: type, offset: start, size: size)
            }
            let boxEnd = start + Int(size)
            boxes.append(Box(type: type, offset: start, payload: reader.position..<boxEnd))
            try reader.skip(boxEnd - reader.position)
        }
        return boxes
    }

    func reader(_ bytes: [UInt8]) -> BoxReader {
        BoxReader(bytes, range: payload, box: type)
    }

    func children(_ bytes: [UInt8]) throws -> [Box] {
        try Box.children(of: bytes, in: payload, parent: type)
    }
}

extension Array where Element == Box {
    func first(_ type: String) -> Box? { first { $0.type == type } }

    func require(_ type: String, in path: String) throws -> Box {
        guard let box = first(type) else { throw MP4Error.missingBox(path: path + "/" + type) }
        return box
    }
}

extension Array where Element: MP4Box {
    func write(to out: inout [UInt8]) {
        for box in self { box.write(to: &out) }
    }
}

extension Box {
    /// The children of a container, each parsed as `T` when its type is `type`.
    func all<T: MP4Box>(_ type: String, as: T.Type, in bytes: [UInt8]) throws -> [T] {
        try children(bytes).filter { $0.type == type }.map { try T($0, in: bytes) }
    }
}

extension Array where Element == Box {
    /// The children not in `known`, kept whole.
    func raw(except known: Set<String>, in bytes: [UInt8]) throws -> [RawBox] {
        try filter { !known.contains($0.type) }.map { try RawBox($0, in: bytes) }
    }
}
