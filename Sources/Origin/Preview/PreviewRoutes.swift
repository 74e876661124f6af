import Foundation
import Hummingbird

/// `/` (the preview page) and `/player/...` (player scripts from a local directory, when configured).
struct PreviewRoutes: Sendable {
    let configuration: OriginConfiguration
    let files: FileResponder
    /// Published assets and running live streams, read per request (the page embeds them).
    let catalog: @Sendable () async throws -> PreviewCatalog

    func register(on router: Router<OriginRequestContext>) {
        let template = Self.page(playerBaseURL: configuration.playerBaseURL)
        router.get("/") { _, _ in
            let page = template.replacingOccurrences(of: "{{CATALOG_JSON}}", with: try await Self.embeddedJSON(catalog()))
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: CachePolicy.noStore.headerValue],
                            body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        guard let directory = configuration.playerDirectory else { return }
        router.get("player/**") { request, context in
            // The path guard already refused dot segments and escapes; names are still checked one by one.
            let parts = context.parameters.getCatchAll()
            guard !parts.isEmpty, parts.allSatisfy({ Self.isPlainFileName($0) }) else {
                throw OriginError.notFound(request.uri.path)
            }
            let path = parts.reduce(directory) { $0.appendingPathComponent(String($1)) }.path
            return try files.respond(path: path, contentType: Self.contentType(of: path), cache: .shortLived,
                                     request: request, missing: .notFound(request.uri.path))
        }
    }

    /// JSON safe inside a `<script>` element: `<` is escaped so no `</script>` can close it early.
    static func embeddedJSON(_ catalog: PreviewCatalog) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(catalog), as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    }

    static func isPlainFileName(_ name: Substring) -> Bool {
        !name.isEmpty && name.count <= 128 && !name.hasPrefix(".")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    static func contentType(of path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension {
        case "js": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "map", "json": return "application/json"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "ttf": return "font/ttf"
        case "eot": return "application/vnd.ms-fontobject"
        case "svg": return "image/svg+xml"
        default: return "application/octet-stream"
        }
    }

    static func page(playerBaseURL: String) -> String {
        guard let url = Bundle.module.url(forResource: "preview", withExtension: "html", subdirectory: "Resources"),
              let template = try? String(contentsOf: url, encoding: .utf8) else {
            return "<!doctype html><title>mediaserve</title><p>preview.html is missing from the build</p>"
        }
        let escaped = playerBaseURL.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "<", with: "%3C")
        return template.replacingOccurrences(of: "{{PLAYER_BASE}}", with: escaped)
    }
}

/// What the preview page lists.
public struct PreviewCatalog: Codable, Sendable {
    public var assets: [AssetSummary]
    public var live: [AssetSummary]

    public init(assets: [AssetSummary], live: [AssetSummary]) {
        self.assets = assets
        self.live = live
    }
}
