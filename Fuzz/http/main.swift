// libFuzzer entry (make fuzz): the HTTP request-target guard and the manifest query parser, on a request
// target as a client sends it (path, then `?` and `&`-separated `key=value` pairs).
import Packaging

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let target = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    _ = RequestTargetGuard.check(path: String(parts[0]))
    var query: [String: String] = [:]
    for pair in parts.dropFirst().first?.split(separator: "&") ?? [] {
        let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        query[String(keyValue[0])] = keyValue.count > 1 ? String(keyValue[1]) : ""
    }
    _ = try? ManifestQuery.parse(query)
    return 0
}
