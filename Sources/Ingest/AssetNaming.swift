import Foundation
import MediaCore

/// Default asset ids: the file's base name made into a valid `SafeName` (lower case, anything else
/// becomes `-`, runs collapsed, at most 64 characters), so `My Movie (2021).MOV` becomes `my-movie-2021`.
public enum AssetNaming {
    public static func defaultID(forFile path: String) -> AssetID {
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
        var name = String(trimmed.prefix(SafeName.maxLength))
        while name.hasSuffix("-") { name.removeLast() }
        return SafeName(name) ?? SafeName("asset")!
    }
}
