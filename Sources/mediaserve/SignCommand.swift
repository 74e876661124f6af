import Access
import ArgumentParser
import Foundation
import MediaCore

/// `mediaserve sign PATH`: prints a signed playback URL path (with its query) for one asset or stream,
/// using `access.signing_key` from the configuration. Nothing is contacted: the origin checks the MAC.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print a signed playback URL for an asset or live stream (access.signing_key).",
        discussion: "Example: mediaserve sign /vod/film/master.m3u8 --expires-in 3600 --max-height 1080")

    @Argument(help: "A path under /vod/<asset>/ or /live/<stream>/, e.g. /vod/film/master.m3u8.")
    var path: String

    @Option(help: "Seconds the URL stays valid (default 3600).")
    var expiresIn: Int = 3600

    @Option(help: ArgumentHelp("Only viewers from this address or network may use it, e.g. 203.0.113.0/24.", valueName: "cidr"))
    var ip: String?

    @Option(help: "Tallest rendition (pixels) the URL opens.")
    var maxHeight: Int?

    @OptionGroup var configOptions: ConfigOptions

    func validate() throws {
        guard expiresIn > 0 else { throw ValidationError("--expires-in must be a positive number of seconds") }
        if let maxHeight, maxHeight <= 0 { throw ValidationError("--max-height must be a positive number of pixels") }
        if let ip, IPNetwork(ip) == nil { throw ValidationError("--ip '\(ip)': expected an address or CIDR such as 203.0.113.0/24") }
        if Self.scope(of: path) == nil {
            throw ValidationError("'\(path)' is not under /vod/<asset>/ or /live/<stream>/ (e.g. /vod/film/master.m3u8)")
        }
    }

    func run() throws {
        do {
            let config = try configOptions.load().config
            guard let key = config.access.signingKey else {
                throw CommandError("no signing key: set access.signing_key (or MEDIASERVE_ACCESS_SIGNING_KEY)")
            }
            let signer = URLSigner(key: key, previousKeys: config.access.previousSigningKeys)
            let claims = SignedURLClaims(scope: Self.scope(of: path)!, expires: Int(Date().timeIntervalSince1970) + expiresIn,
                                         network: ip.flatMap(IPNetwork.init), maxHeight: maxHeight)
            print(path + "?" + signer.query(for: claims))
        } catch {
            CLIExit.fail(error)
        }
    }

    /// The item a path belongs to: its first two segments (`/vod/<asset>/...`).
    static func scope(of path: String) -> AccessScope? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].isEmpty, let tree = AccessScope.Tree(rawValue: String(parts[1])),
              let owner = SafeName(String(parts[2])), !path.contains("?") else { return nil }
        return AccessScope(tree: tree, owner: owner)
    }
}
