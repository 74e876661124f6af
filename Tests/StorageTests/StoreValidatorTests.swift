import Foundation
import Testing
@testable import Storage

/// An object store's ETag becomes the origin's strong ETag only when it is one: quoted, with nothing a
/// header could not carry inside. Anything else leaves the local file's validators in charge.
@Suite struct StoreValidatorTests {
    @Test func onlyStrongQuotedTagsAreTaken() {
        #expect(StoreValidator(etag: "\"b803efac99fae3ff9861a6e823f10a46\"", lastModified: 1)?.etag == "\"b803efac99fae3ff9861a6e823f10a46\"")
        #expect(StoreValidator(etag: "\"9b2cf535f27731c974343645a3985328-3\"", lastModified: nil) != nil, "a multipart upload's tag")
        for refused in ["", "\"", "b803efac", "W/\"b803efac\"", "\"a\"b\"", "\"a b\"", "\"caf\u{E9}\""] {
            #expect(StoreValidator(etag: refused, lastModified: 1) == nil, "\(refused)")
        }
    }

    @Test func aFileOpenedWithTheStoresValidatorCarriesIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-validator-\(UUID().uuidString)").path
        try Data("segment".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let validator = try #require(StoreValidator(etag: "\"abc\"", lastModified: 1_700_000_000))
        #expect(LocalFile(path: path, storeValidator: validator)?.storeValidator == validator)
        #expect(LocalFile(path: path)?.storeValidator == nil)
    }
}
