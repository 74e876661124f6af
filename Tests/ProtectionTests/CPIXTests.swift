import Foundation
import Protection
import Testing

/// CPIX 2.3 documents and the SPEKE v2 client against a key server that validates requests.
@Suite struct CPIXTests {
    let systems = [DRMSystem.widevine, DRMSystem.playReady]

    @Test func requestAndResponseRoundTrip() throws {
        let kids = [KeyID.random(), KeyID.random()]
        var document = CPIXDocument.spekeRequest(contentID: "asset&1", scheme: .cbcs, keys: kids, systems: systems, periodIndexes: [7, 8])
        #expect(try CPIXParser.parse(Array(CPIXWriter.xml(document).utf8)) == document)
        document.contentKeys[0].value = Array(1...16)
        document.contentKeys[1].explicitIV = Array(repeating: 9, count: 16)
        document.drmSystems[0].pssh = [0, 0, 0, 8, 0x70, 0x73, 0x73, 0x68]
        document.drmSystems[0].contentProtectionData = "<cenc:pssh>AAAA</cenc:pssh>"
        document.drmSystems[1].hlsSignalingMedia = "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://x\""
        document.drmSystems[1].hlsSignalingMaster = "#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI=\"skd://x\""
        let text = CPIXWriter.xml(document)
        #expect(text.contains("contentId=\"asset&amp;1\""))
        #expect(try CPIXParser.parse(Array(text.utf8)) == document)
    }

    @Test func parserRefusesWhatSPEKEForbids() {
        let kid = KeyID.random().uuidString
        let cases = [
            "<x/>",
            #"<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" version="2.3"><cpix:ContentKeyList><cpix:ContentKey kid="\#(kid)" commonEncryptionScheme="cenc"/></cpix:ContentKeyList></cpix:CPIX>"#,
            #"<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" contentId="a" version="2.3"><cpix:ContentKeyList><cpix:ContentKey kid="\#(kid)"/></cpix:ContentKeyList></cpix:CPIX>"#,
            #"<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" contentId="a" version="2.3"><cpix:ContentKeyList><cpix:ContentKey kid="\#(kid)" commonEncryptionScheme="cenc"/></cpix:ContentKeyList><cpix:DRMSystemList><cpix:DRMSystem kid="\#(KeyID.random().uuidString)" systemId="\#(DRMSystem.widevine.id.uuidString)"/></cpix:DRMSystemList></cpix:CPIX>"#,
            "not xml <",
        ]
        for text in cases {
            #expect(throws: ProtectionError.self, "\(text)") { try CPIXParser.parse(Array(text.utf8)) }
        }
    }

    @Test func spekeClientGetsKeysAndSignallingFromAValidatingServer() async throws {
        try await CPIXResponder.serve(authHeader: ("X-Api-Key", "sesame")) { url in
            let client = SPEKEClient(settings: SPEKESettings(url: url, authHeader: "X-Api-Key: sesame", systems: systems))
            let served = try await client.keys(contentID: "movie-1", scheme: .cenc, periodIndexes: [0])
            #expect(served.count == 1)
            let key = served[0].period.key
            #expect(key.key == CPIXResponder.key(for: key.id))
            #expect(Set(served[0].signalling.compactMap(\.system)) == Set(systems.map(\.id)))
            for entry in served[0].signalling {
                let system = try #require(entry.system)
                #expect(entry.pssh == CPIXResponder.pssh(system: system, kid: key.id))
                #expect(entry.contentProtectionData?.hasPrefix("<cenc:pssh>") == true)
                #expect(entry.hlsMedia?.contains("KEYFORMAT=\"urn:uuid:\(system.uuidString)\"") == true)
                #expect(entry.hlsMaster?.hasPrefix("#EXT-X-SESSION-KEY") == true)
            }
            // Rotation: one key per period, each with its KeyPeriodFilter (the server checks it).
            let rotated = try await client.keys(contentID: "live-1", scheme: .cbcs, periodIndexes: [4, 5])
            #expect(rotated.map(\.period.index) == [4, 5])
            #expect(rotated[0].period.key.id != rotated[1].period.key.id)
            #expect(rotated.allSatisfy { $0.period.key.key == CPIXResponder.key(for: $0.period.key.id) })
            // Without the auth header the server refuses, and the error says who and what.
            let stranger = SPEKEClient(settings: SPEKESettings(url: url, systems: systems))
            await #expect(throws: ProtectionError.self) { try await stranger.keys(contentID: "movie-1", scheme: .cenc, periodIndexes: [0]) }
            do {
                _ = try await stranger.keys(contentID: "movie-1", scheme: .cenc, periodIndexes: [0])
            } catch {
                #expect("\(error)".contains("answered 403"), "\(error)")
            }
        }
    }

    @Test func vaultTakesKeysFromTheKeyServerAndSealsThem() async throws {
        try await CPIXResponder.serve { url in
            let storage = MemoryKeyStorage()
            let master = try MasterKey(parsing: String(repeating: "11", count: 32))
            let vault = KeyVault(master: master, storage: storage,
                                 keyServer: SPEKEClient(settings: SPEKESettings(url: url, systems: systems)))
            let owner = KeyOwner(kind: "vod", id: "movie-2")
            let served = try await vault.key(owner: owner, period: 0)
            #expect(served.period.key.key == CPIXResponder.key(for: served.period.key.id))
            #expect(served.signalling.count == 2)
            #expect(try await vault.key(owner: owner, period: 0) == served)
            let stored = try #require(try storage.sealedKey(owner: owner, period: 0))
            #expect(stored.sealed != served.period.key.key)
            #expect(try master.open(stored.sealed, kid: stored.kid) == served.period.key)
            // A second vault (another origin, a restart) reads the same key from storage.
            let other = KeyVault(master: master, storage: storage)
            #expect(try other.key(kid: served.period.key.id)?.served == served)
            let keyless = KeyVault(master: nil, storage: storage)
            #expect(throws: ProtectionError.self) { try keyless.key(kid: served.period.key.id) }
        }
    }
}

/// Sealed keys in memory, with the catalog's first-writer-wins rule.
final class MemoryKeyStorage: SealedKeyStorage, @unchecked Sendable {
    private let lock = NSLock()
    private var records: [SealedKeyRecord] = []

    func sealedKey(owner: KeyOwner, period: Int) throws -> SealedKeyRecord? {
        lock.withLock { records.first { $0.owner == owner && $0.period == period } }
    }

    func sealedKey(kid: KeyID) throws -> SealedKeyRecord? {
        lock.withLock { records.first { $0.kid == kid } }
    }

    func insert(_ record: SealedKeyRecord) throws -> SealedKeyRecord {
        lock.withLock {
            if let existing = records.first(where: { $0.owner == record.owner && $0.period == record.period }) { return existing }
            records.append(record)
            return record
        }
    }
}
