/// One AMF0 value (the encoding of RTMP commands and `onMetaData`). Object and ECMA-array properties keep
/// their order because some encoders and players read `onMetaData` positionally.
public enum AMF0Value: Equatable, Sendable {
    case number(Double)
    case boolean(Bool)
    /// Short (marker 0x02) or long (marker 0x0C) string; the encoder picks the marker by length.
    case string(String)
    case object([AMF0Property])
    case null
    case undefined
    case ecmaArray([AMF0Property])
    case strictArray([AMF0Value])
    /// Milliseconds since 1970 (the time-zone field is read and ignored, as the spec says to).
    case date(Double)

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// A property of an object or ECMA array by name.
    public subscript(_ name: String) -> AMF0Value? {
        switch self {
        case .object(let properties), .ecmaArray(let properties):
            return properties.first { $0.name == name }?.value
        default:
            return nil
        }
    }
}

public struct AMF0Property: Equatable, Sendable {
    public var name: String
    public var value: AMF0Value

    public init(_ name: String, _ value: AMF0Value) {
        self.name = name
        self.value = value
    }
}

/// Reads and writes AMF0 with bounded depth and sizes: a hostile `connect` cannot nest objects until the
/// stack overflows or announce a four-gigabyte string.
public enum AMF0 {
    public static let maxDepth = 32
    public static let maxStringBytes = 1 << 20

    enum Marker: UInt8 {
        case number = 0x00, boolean = 0x01, string = 0x02, object = 0x03, movieclip = 0x04, null = 0x05
        case undefined = 0x06, reference = 0x07, ecmaArray = 0x08, objectEnd = 0x09, strictArray = 0x0A
        case date = 0x0B, longString = 0x0C, unsupported = 0x0D, xmlDocument = 0x0F, typedObject = 0x10
        case avmPlus = 0x11
    }

    /// Every value in `bytes`, in order (a command is a sequence of top-level values).
    public static func decodeAll(_ bytes: [UInt8]) throws -> [AMF0Value] {
        var reader = ByteReader(bytes)
        var values: [AMF0Value] = []
        while !reader.isAtEnd {
            values.append(try decodeValue(&reader, depth: 0))
        }
        return values
    }

    public static func encode(_ values: [AMF0Value]) -> [UInt8] {
        var out: [UInt8] = []
        for value in values { encodeValue(value, into: &out) }
        return out
    }

    static func decodeValue(_ reader: inout ByteReader, depth: Int) throws -> AMF0Value {
        guard depth <= maxDepth else { throw LiveError.malformedAMF("nesting deeper than \(maxDepth) levels") }
        let raw = try reader.u8("an AMF0 type marker")
        guard let marker = Marker(rawValue: raw) else {
            throw LiveError.malformedAMF("unknown type marker 0x\(String(raw, radix: 16))")
        }
        switch marker {
        case .number:
            return .number(Double(bitPattern: try reader.bigEndian(8, "an AMF0 number")))
        case .boolean:
            return .boolean(try reader.u8("an AMF0 boolean") != 0)
        case .string:
            return .string(try readString(&reader, length: Int(try reader.u16("an AMF0 string length"))))
        case .longString:
            return .string(try readString(&reader, length: Int(try reader.u32("an AMF0 long string length"))))
        case .object:
            return .object(try readProperties(&reader, depth: depth))
        case .typedObject:
            _ = try readString(&reader, length: Int(try reader.u16("an AMF0 class name length")))
            return .object(try readProperties(&reader, depth: depth))
        case .ecmaArray:
            _ = try reader.u32("an AMF0 ECMA array count")  // a hint only; the end marker decides
            return .ecmaArray(try readProperties(&reader, depth: depth))
        case .strictArray:
            let count = Int(try reader.u32("an AMF0 strict array count"))
            // Each element takes at least one byte: a count beyond the bytes left is a lie, refuse it early.
            guard count <= reader.remaining else { throw LiveError.truncated("an AMF0 strict array of \(count) elements") }
            var elements: [AMF0Value] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try decodeValue(&reader, depth: depth + 1)) }
            return .strictArray(elements)
        case .null:
            return .null
        case .undefined, .unsupported:
            return .undefined
        case .date:
            let millis = Double(bitPattern: try reader.bigEndian(8, "an AMF0 date"))
            try reader.skip(2, "an AMF0 date time zone")
            return .date(millis)
        case .objectEnd, .movieclip, .reference, .xmlDocument, .avmPlus:
            throw LiveError.malformedAMF("type marker 0x\(String(raw, radix: 16)) is not supported here")
        }
    }

    private static func readString(_ reader: inout ByteReader, length: Int) throws -> String {
        guard length <= maxStringBytes else { throw LiveError.malformedAMF("a string of \(length) bytes (limit \(maxStringBytes))") }
        return String(decoding: try reader.take(length, "an AMF0 string of \(length) bytes"), as: UTF8.self)
    }

    private static func readProperties(_ reader: inout ByteReader, depth: Int) throws -> [AMF0Property] {
        var properties: [AMF0Property] = []
        while true {
            let nameLength = Int(try reader.u16("an AMF0 property name length"))
            if nameLength == 0 {
                // Either the end marker or an empty-named property (never seen in practice; read its value).
                if try reader.u8("an AMF0 object end marker") == Marker.objectEnd.rawValue { return properties }
                throw LiveError.malformedAMF("empty property name without the object end marker")
            }
            let name = try readString(&reader, length: nameLength)
            properties.append(AMF0Property(name, try decodeValue(&reader, depth: depth + 1)))
        }
    }

    static func encodeValue(_ value: AMF0Value, into out: inout [UInt8]) {
        switch value {
        case .number(let number):
            out.append(Marker.number.rawValue)
            out.appendBigEndian(number.bitPattern)
        case .boolean(let flag):
            out.append(Marker.boolean.rawValue)
            out.append(flag ? 1 : 0)
        case .string(let string):
            let utf8 = Array(string.utf8)
            if utf8.count <= Int(UInt16.max) {
                out.append(Marker.string.rawValue)
                out.appendBigEndian(UInt16(utf8.count))
            } else {
                out.append(Marker.longString.rawValue)
                out.appendBigEndian(UInt32(truncatingIfNeeded: utf8.count))
            }
            out.append(contentsOf: utf8)
        case .object(let properties):
            out.append(Marker.object.rawValue)
            encodeProperties(properties, into: &out)
        case .ecmaArray(let properties):
            out.append(Marker.ecmaArray.rawValue)
            out.appendBigEndian(UInt32(properties.count))
            encodeProperties(properties, into: &out)
        case .strictArray(let elements):
            out.append(Marker.strictArray.rawValue)
            out.appendBigEndian(UInt32(elements.count))
            for element in elements { encodeValue(element, into: &out) }
        case .null:
            out.append(Marker.null.rawValue)
        case .undefined:
            out.append(Marker.undefined.rawValue)
        case .date(let millis):
            out.append(Marker.date.rawValue)
            out.appendBigEndian(millis.bitPattern)
            out.appendBigEndian(UInt16(0))
        }
    }

    private static func encodeProperties(_ properties: [AMF0Property], into out: inout [UInt8]) {
        for property in properties {
            let name = Array(property.name.utf8.prefix(Int(UInt16.max)))
            out.appendBigEndian(UInt16(name.count))
            out.append(contentsOf: name)
            encodeValue(property.value, into: &out)
        }
        out.append(contentsOf: [0, 0, Marker.objectEnd.rawValue])
    }
}
