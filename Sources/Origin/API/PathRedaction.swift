/// Job errors come from the ingest with the server's absolute paths in them (`/srv/media/uploads/<id>/
/// source`); API clients get the last path component instead, which still names the file without showing
/// how the server's disk is laid out.
enum PathRedaction {
    /// Replaces every absolute path of two or more components in `text` with `…/<last component>`.
    static func redact(_ text: String) -> String {
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let previous = index > text.startIndex ? text[text.index(before: index)] : " "
            guard character == "/", isBoundary(previous) else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let end = text[index...].firstIndex(where: isBoundary) ?? text.endIndex
            let path = text[index..<end]
            let components = path.split(separator: "/", omittingEmptySubsequences: true)
            if components.count >= 2, let last = components.last {
                output += "…/" + last
            } else {
                output += path
            }
            index = end
        }
        return output
    }

    /// Characters that cannot be inside a path as messages quote it (space, quotes, brackets, comma…).
    private static func isBoundary(_ character: Character) -> Bool {
        character.isWhitespace || "'\"`()[]{}<>,;=".contains(character)
    }
}
