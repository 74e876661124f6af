import Foundation
import MediaCore
import NIOCore
import S3
import Storage

/// Live streams in the bucket (`live/<stream>/...`): the live node writes each segment as one object (S3
/// writes whole objects only, so a reader sees the old state or the new one), and every origin reads them
/// through its cache. The journal is rewritten whole on append: one live node owns a stream at a time.
extension S3MediaStore {
    func liveKey(_ file: LiveFile, _ stream: SafeName) -> String {
        key("live/\(stream.rawValue)/\(file.relativePath)")
    }

    public func write(_ bytes: [UInt8], to file: LiveFile, of stream: SafeName) throws {
        let key = liveKey(file, stream)
        let client = client
        try run("write", key) { try await client.put(ByteBuffer(bytes: bytes), key: key) }
    }

    public func append(_ bytes: [UInt8], to file: LiveFile, of stream: SafeName) throws {
        let key = liveKey(file, stream)
        let client = client
        try run("append to", key) {
            var buffer = ByteBuffer(bytes: try await client.get(key: key) ?? Data())
            buffer.writeBytes(bytes)
            try await client.put(buffer, key: key)
        }
    }

    public func read(_ file: LiveFile, of stream: SafeName) -> Data? {
        let key = liveKey(file, stream)
        return try? read("read", key) { try await $0.get(key: key) }
    }

    public func remove(_ file: LiveFile, of stream: SafeName) {
        let key = liveKey(file, stream)
        let client = client
        _ = try? run("delete", key) { try await client.delete(key: key) }
        cache.remove(key)
    }

    public func inventory(of stream: SafeName) -> [SafeName: LiveRenditionFiles] {
        let prefix = key("live/\(stream.rawValue)/")
        let client = client
        guard let objects = try? run("list", prefix, { try await client.list(prefix: prefix) }) else { return [:] }
        var found: [SafeName: LiveRenditionFiles] = [:]
        for object in objects {
            let parts = object.key.dropFirst(prefix.count).split(separator: "/")
            guard parts.count == 2, let rendition = SafeName(String(parts[0])) else { continue }
            let name = String(parts[1])
            var entry = found[rendition] ?? LiveRenditionFiles()
            if name == SegmentFileName.initSegment {
                entry.inits.insert(nil)
            } else if let number = SegmentFileName.initNumber(name) {
                entry.inits.insert(number)
            } else if let number = SegmentFileName.segmentNumber(name) {
                entry.segmentSizes[number] = object.size
            }
            found[rendition] = entry
        }
        return found
    }

    public func scratchDirectory(of stream: SafeName) -> URL {
        let folder = work.root.appendingPathComponent("scratch/\(stream.rawValue)", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    public func location(of file: LiveFile, stream: SafeName) -> String {
        "s3://\(client.endpoint.bucket)/\(liveKey(file, stream))"
    }
}
