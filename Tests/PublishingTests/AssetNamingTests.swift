import MediaCore
@testable import Publishing
import Testing

/// One rule for asset ids from file names (the CLI's default id and the upload API's generated one).
struct AssetNamingTests {
    @Test func defaultAssetIDs() {
        #expect(AssetNaming.defaultID(forFile: "/videos/My Movie (2021).MOV").rawValue == "my-movie-2021")
        #expect(AssetNaming.defaultID(forFile: "__clip__.mp4").rawValue == "clip__")
        #expect(AssetNaming.defaultID(forFile: "Ünïcode.mkv").rawValue == "n-code")
        #expect(AssetNaming.defaultID(forFile: "!!!.mp4").rawValue == "asset")
        #expect(AssetNaming.defaultID(forFile: String(repeating: "a", count: 100) + ".mp4").rawValue.count == 64)
    }

    /// Uploads use the same stem (underscores kept, runs collapsed) plus `-<8 hex>`, and still fit 64.
    @Test func uploadIDsUseTheSameStemWithARandomSuffix() {
        #expect(AssetNaming.uploadID(forFile: "My_Movie (2021).MOV", random: 0xbeef).rawValue == "my_movie-2021-0000beef")
        #expect(AssetNaming.uploadID(forFile: "!!!.mp4", random: 0x1234abcd).rawValue == "upload-1234abcd")
        #expect(AssetNaming.uploadID(forFile: nil, random: 0xffffffff).rawValue == "upload-ffffffff")
        let long = AssetNaming.uploadID(forFile: String(repeating: "b", count: 100) + ".mp4", random: 7).rawValue
        #expect(long.count == 64 && long.hasSuffix("-00000007") && long.hasPrefix(String(repeating: "b", count: 55)))
        let stem = AssetNaming.defaultID(forFile: "Talk - Q&A.mov").rawValue
        #expect(AssetNaming.uploadID(forFile: "Talk - Q&A.mov", random: 1).rawValue == stem + "-00000001")
        #expect(AssetNaming.uploadID(forFile: "a.mp4") != AssetNaming.uploadID(forFile: "a.mp4"))
    }
}
