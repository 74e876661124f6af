import Foundation

/// What an SRT caller asks for in its `streamid`: a plain stream key (`srt://host:port?streamid=<key>`),
/// or the SRT access-control syntax encoders such as OBS and vMix offer, `#!::r=<key>,m=publish`
/// (comma-separated `key=value` pairs after `#!::`; `r` is the resource, `m` the mode).
///
/// Only publishing is served: `m=request` (play) or `m=bidirectional` is refused, as is an access-control
/// id without `r`. An access-control id that arrives percent-encoded (`%23%21%3A%3Ar%3D…`: some encoders
/// pass the URL's query through unchanged, and people encode `#` so it is not read as a fragment) is
/// decoded first.
public enum SRTStreamID: Equatable, Sendable {
    /// A caller that wants to publish to the stream whose secret key is `key`.
    case publish(key: String)
    /// The id asks for something mediaserve does not serve (another mode).
    case unsupportedMode(String)
    /// The id is empty or does not parse.
    case malformed

    public init(_ raw: String) {
        let text = raw.lowercased().hasPrefix("%23") ? (raw.removingPercentEncoding ?? raw) : raw
        guard text.hasPrefix("#!::") else {
            self = text.isEmpty || text.count > 512 ? .malformed : .publish(key: text)
            return
        }
        var fields: [String: String] = [:]
        for pair in text.dropFirst(4).split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                self = .malformed
                return
            }
            fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        if let mode = fields["m"], mode != "publish" {
            self = .unsupportedMode(mode)
            return
        }
        guard let key = fields["r"], !key.isEmpty else {
            self = .malformed
            return
        }
        self = .publish(key: key)
    }
}
