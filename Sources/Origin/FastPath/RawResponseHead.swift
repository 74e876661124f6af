import HTTPTypes
import NIOCore

/// The HTTP/1.1 bytes of a response head, as NIO's `HTTPResponseEncoder` writes the same `HTTPResponse`
/// after Hummingbird's HTTP-types conversion: the status line with the status's reason phrase, then every
/// field as `name: value` in order with the name as it was set, then the blank line. Like the encoder, a
/// status that has no body (1xx, 204, 304) goes without Content-Length and Transfer-Encoding. The fast
/// path's other answers always carry Content-Length, so the encoder would add no framing header of its own.
/// Without `ending`, the blank line is left out (`ManifestAnswerCache` appends per-request fields first).
enum RawResponseHead {
    static func write(status: HTTPResponse.Status, headers: HTTPFields, into buffer: inout ByteBuffer, ending: Bool = true) {
        let bodiless = (100..<200).contains(status.code) || status.code == 204 || status.code == 304
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for field in headers {
            if bodiless, field.name == .contentLength || field.name == .transferEncoding { continue }
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        if ending { buffer.writeStaticString("\r\n") }
    }
}
