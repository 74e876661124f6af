// libFuzzer entry (make fuzz): the config, ladder and streams file readers on YAML text (Yams and our
// checks of keys, types and ranges).
@testable import Config

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ConfigFileReader(file: "fuzz.yaml").read(text: text)
    _ = try? LadderConfig.parse(text, file: "ladder.yaml")
    _ = try? LiveStreamsFileReader.parse(text, file: "streams.yaml", environment: ["KEY": "abcdefghijklmnop"])
    return 0
}
