/// The one object that makes an asset version visible: `vod/<asset>/current` holds the version number and
/// the folder (a fresh id per publish) whose objects are that version. Files are uploaded under the new
/// folder first and become visible when this small object is written (S3 writes an object whole or not at
/// all); a replace writes a new folder and a new pointer, a restamp rewrites only the number.
struct AssetPointer: Equatable, Sendable {
    var version: Int
    var folder: String

    /// `"3 7f0c...\n"`; nil for anything else (the asset is then not served).
    init?(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, let version = Int(parts[0]), version >= 1, String(version) == parts[0],
              parts[1].hasSuffix("\n") else { return nil }
        let folder = String(parts[1].dropLast())
        guard Self.isFolderName(folder) else { return nil }
        self.version = version
        self.folder = folder
    }

    init(version: Int, folder: String) {
        self.version = version
        self.folder = folder
    }

    var text: String { "\(version) \(folder)\n" }

    /// A folder name publishing makes (a lowercase UUID): digits, lowercase letters and dashes only.
    static func isFolderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x2d }
    }
}
