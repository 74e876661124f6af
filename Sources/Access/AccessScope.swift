import MediaCore

/// The one asset or live stream a request or a token is about: a path prefix such as `/vod/<asset>/`.
/// A signed URL covers exactly one scope, so one token opens that item's manifests, segments and keys
/// and nothing else.
public struct AccessScope: Sendable, Hashable, CustomStringConvertible {
    public enum Tree: String, Sendable, Hashable {
        case vod
        case live
    }

    public let tree: Tree
    public let owner: SafeName
    /// `/vod/<asset>/` or `/live/<stream>/`: the key of the item's remembered rules, read on every media
    /// request, so it is made once.
    public let pathPrefix: String

    public init(tree: Tree, owner: SafeName) {
        self.tree = tree
        self.owner = owner
        pathPrefix = "/\(tree.rawValue)/\(owner)/"
    }
    public var description: String { pathPrefix }
}

/// What a media request path names, parsed from its shape alone (no disk, no catalog): the item and,
/// when the path names one rendition (a media playlist or a segment), that rendition.
public struct MediaPath: Sendable, Hashable {
    public let scope: AccessScope
    /// Nil for the multivariant playlist and the MPD (they list every rendition the viewer may see).
    public let rendition: SafeName?
    /// A manifest (`.m3u8`, `.mpd`): the one kind of response whose URIs carry the token.
    public let isManifest: Bool

    public init(scope: AccessScope, rendition: SafeName?, isManifest: Bool) {
        self.scope = scope
        self.rendition = rendition
        self.isManifest = isManifest
    }

    /// `/vod/<a>/master.m3u8`, `/vod/<a>/manifest.mpd`, `/vod/<a>[/v<n>]/<r>.m3u8`,
    /// `/vod/<a>[/v<n>]/<r>/<file>`, and the same under `/live/`. Nil for anything else.
    public init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].isEmpty, let tree = AccessScope.Tree(rawValue: String(parts[1])),
              let owner = SafeName(String(parts[2])) else { return nil }
        var rest = Array(parts[3...])
        // `v<n>/` only where a version can stand: before `<r>.m3u8` or `<r>/<file>`. A rendition that looks
        // like a version (`v360/seg-1.m4s`, unversioned) is a rendition, and its segments are checked too.
        if Self.isVersion(rest[0]), rest.count == 3 || (rest.count == 2 && rest[1].hasSuffix(".m3u8")) { rest.removeFirst() }
        let scope = AccessScope(tree: tree, owner: owner)
        switch rest.count {
        case 1:
            let name = rest[0]
            if name == "master.m3u8" || name == "manifest.mpd" {
                self.init(scope: scope, rendition: nil, isManifest: true)
            } else if name.hasSuffix(".m3u8"), let rendition = SafeName(String(name.dropLast(5))) {
                self.init(scope: scope, rendition: rendition, isManifest: true)
            } else {
                return nil
            }
        case 2:
            guard let rendition = SafeName(String(rest[0])), !rest[1].isEmpty else { return nil }
            self.init(scope: scope, rendition: rendition, isManifest: false)
        default:
            return nil
        }
    }

    private static func isVersion(_ segment: Substring) -> Bool {
        segment.count >= 2 && segment.first == "v" && segment.dropFirst().allSatisfy(\.isASCII) && segment.dropFirst().allSatisfy(\.isNumber)
    }
}
