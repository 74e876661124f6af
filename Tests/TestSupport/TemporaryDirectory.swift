import Foundation

/// A fresh directory under the system temp folder (`mediaserve-<name>-<uuid>`), removed by the caller
/// when it wants.
public func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediaserve-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
