import Foundation
import MediaCore

/// The one rule that turns a file name into an asset id, for `mediaserve ingest <file>` and for uploads
/// to the admin API alike: the base name without extension, lower case, every run of characters other
/// than a-z, 0-9 and `_` becomes one `-`, leading `-`/`_` and trailing `-` dropped, at most 64 characters
/// (`SafeName.maxLength`). `My Movie (2021).MOV` becomes `my-movie-2021`; a name with nothing usable
/// becomes `asset`.
///
/// An upload also gets `-<8 hex>` (random) appended, the stem cut so the whole id still fits: uploads
/// arrive unattended and two files called `clip.mp4` must not collide, while the CLI's default id stays
/// predictable (`--id` chooses another, `--replace` overwrites).
public enum AssetNaming {
    public static func defaultID(forFile path: String) -> AssetID {
        AssetID(stem(of: path, maxLength: SafeName.maxLength)) ?? AssetID("asset")!
    }

    /// `<stem>-<8 hex>` for an uploaded file's original name, `upload-<8 hex>` without one (or when
    /// nothing of it is usable).
    public static func uploadID(forFile name: String?, random: UInt32 = .random(in: 0...UInt32.max)) -> AssetID {
        let hex = String(random, radix: 16)
        let suffix = "-" + String(repeating: "0", count: 8 - hex.count) + hex
        let base = name.map { stem(of: $0, maxLength: SafeName.maxLength - suffix.count) } ?? ""
        return AssetID((base.isEmpty ? "upload" : base) + suffix)!
    }

    static func stem(of path: String, maxLength: Int) -> String {
        let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent.lowercased()
        var out = ""
        for scalar in base.unicodeScalars {
            let allowed = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "_"
            if allowed {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("-") {
                out.append("-")
            }
        }
        var trimmed = Substring(out)
        while let first = trimmed.first, first == "-" || first == "_" { trimmed = trimmed.dropFirst() }
        var name = String(trimmed.prefix(maxLength))
        while name.hasSuffix("-") { name.removeLast() }
        return name
    }
}
