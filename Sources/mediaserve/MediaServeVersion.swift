/// The version `mediaserve --version` prints; bumped by hand at release.
enum MediaServeVersion {
    static let current = "0.1.0"
}
