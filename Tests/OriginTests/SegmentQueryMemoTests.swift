import Access
import Foundation
import MediaCore
@testable import Origin
import Testing
import TestSupport

/// A connection remembers how it read its last segment query (`SegmentQueryMemo`), so a player's repeated
/// token is not parsed again. What it remembers must never stand in for the decision: on one connection,
/// the same kept segment head with a valid token, then a tampered one, one for another asset, one bound to
/// another address, one whose height limit is below the rendition, then one that expires while the
/// connection is open, must each get the answer a fresh connection gets.
@Suite("Signed segments on one connection", .serialized)
struct SegmentQueryMemoTests {
    @Test("the memo re-reads a query that differs by one byte and keeps the reading of a repeat")
    func readsOnlyNewQueries() {
        var memo = SegmentQueryMemo()
        let query = "exp=2000000000&sig=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq"
        let first = memo.read(Substring(query))
        #expect(first.onlyKnown)
        #expect(first.parameters == AccessParameters(rawQuery: Substring(query)))
        #expect(first.parameters.signedQuery == query)
        // A different string with the same bytes is the same reading.
        #expect(memo.read(Substring(String(query.utf8.map { Character(UnicodeScalar($0)) }))).parameters == first.parameters)
        let tampered = memo.read(Substring(query + "x"))
        #expect(tampered.parameters.signature == "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqx")
        let bound = memo.read(Substring("exp=2000000000&ip=10.0.0.0%2F8&sig=abc"))
        #expect(bound.parameters.ip == "10.0.0.0/8")
        #expect(bound.parameters.signedQuery == "exp=2000000000&ip=10.0.0.0/8&sig=abc")
        let busted = memo.read(Substring("exp=2000000000&sig=abc&cb=1"))
        #expect(!busted.onlyKnown)
        #expect(memo.read(Substring(query)).parameters == first.parameters)
    }

    /// One request on `socket` and its whole answer (by Content-Length).
    static func exchange(_ socket: LoopbackSocket, _ path: String) throws -> (status: Int, head: String, body: [UInt8]) {
        socket.send("GET \(path) HTTP/1.1\r\nHost: a\r\n\r\n")
        var bytes: [UInt8] = []
        let end = Array("\r\n\r\n".utf8)
        while true {
            if let headEnd = bytes.indices.first(where: { bytes[$0...].starts(with: end) }) {
                let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
                let length = head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if bytes.count >= headEnd + 4 + length {
                    let status = Int(head.split(separator: " ")[1]) ?? 0
                    return (status, head, Array(bytes[(headEnd + 4)..<(headEnd + 4 + length)]))
                }
            }
            guard case .bytes(let chunk) = socket.receive() else { throw LoopbackSocketError("the answer to \(path) did not come whole") }
            bytes += chunk
        }
    }

    @Test("every refusal still refuses on a connection whose last segment query was valid")
    func refusalsOnOneConnection() async throws {
        let data = try FastPathTests.dataDirectory()
        defer { data.remove() }
        let signer = URLSigner(key: "segment-memo-signing-key-0123456789")
        let settings = AccessSettings(defaultPolicy: .signed, signer: signer)
        let gate = AccessGate(settings: settings, rules: UnsetRules(), index: FastPathTests.index, cacheSeconds: 600)
        let now = Int(Date().timeIntervalSince1970)
        let film = AccessScope(tree: .vod, owner: SafeName("film")!)
        let token = { @Sendable (claims: SignedURLClaims) in signer.query(for: claims) }
        let valid = token(SignedURLClaims(scope: film, expires: now + 3600))
        let otherAsset = token(SignedURLClaims(scope: AccessScope(tree: .vod, owner: SafeName("other")!), expires: now + 3600))
        let boundHere = token(SignedURLClaims(scope: film, expires: now + 3600, network: IPNetwork("127.0.0.1/32")))
        let boundElsewhere = token(SignedURLClaims(scope: film, expires: now + 3600, network: IPNetwork("203.0.113.0/24")))
        let below = token(SignedURLClaims(scope: film, expires: now + 3600, maxHeight: 240))
        let segment = "/vod/film/v1/v360/seg-1.m4s"
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: FastPathTests.index,
                             renderer: ListingText(), access: gate) { port, server in
            let fastPath = try #require(server.fastPath)
            // The kept head: made by the first answers (Hummingbird's, then the fast path's).
            for _ in 0..<2 { #expect(try await fetch(port, "\(segment)?\(valid)").status == 200) }
            try await offPool {
                let socket = try LoopbackSocket(port: port)
                defer { socket.close() }
                let keptBefore = fastPath.segmentsFromCache.load(ordering: .relaxed)
                for _ in 0..<3 {
                    let answer = try Self.exchange(socket, "\(segment)?\(valid)")
                    #expect(answer.status == 200)
                    #expect(answer.body == FastPathTests.video)
                }
                #expect(fastPath.segmentsFromCache.load(ordering: .relaxed) - keptBefore == 3, "the kept head answered the repeats")
                for (name, query) in [("tampered", valid + "x"), ("another asset's", otherAsset), ("bound elsewhere", boundElsewhere),
                                      ("below the rendition", below), ("no", "")] {
                    let refused = try Self.exchange(socket, segment + (query.isEmpty ? "" : "?" + query))
                    #expect(refused.status == 403, "a \(name) token after a valid one")
                    #expect(refused.head.lowercased().contains("cache-control: no-store"))
                    // The valid one again, then the refused one again: still refused (the memo holds its reading).
                    #expect(try Self.exchange(socket, "\(segment)?\(valid)").status == 200)
                    #expect(try Self.exchange(socket, segment + (query.isEmpty ? "" : "?" + query)).status == 403, "a \(name) token, repeated")
                    #expect(try Self.exchange(socket, "\(segment)?\(valid)").status == 200)
                }
                // Bound to this address: allowed here, repeatedly; refused from another address, repeatedly.
                for _ in 0..<2 { #expect(try Self.exchange(socket, "\(segment)?\(boundHere)").status == 200) }
                let elsewhere = try LoopbackSocket(port: port, source: "127.0.0.2")
                defer { elsewhere.close() }
                for _ in 0..<2 { #expect(try Self.exchange(elsewhere, "\(segment)?\(boundHere)").status == 403) }
            }
            // A token that expires while the connection keeps sending it: its memo reading does not keep it open.
            let soon = token(SignedURLClaims(scope: film, expires: Int(Date().timeIntervalSince1970) + 2))
            let socket = try LoopbackSocket(port: port)
            defer { socket.close() }
            #expect(try await offPool { try Self.exchange(socket, "\(segment)?\(soon)").status } == 200)
            #expect(try await offPool { try Self.exchange(socket, "\(segment)?\(soon)").status } == 200)
            let expired = await eventually(timeout: .seconds(8), poll: .milliseconds(200)) {
                let answer = try? await offPool { try Self.exchange(socket, "\(segment)?\(soon)") }
                return answer?.status == 403 && String(decoding: answer?.body ?? [], as: UTF8.self).contains("expired")
            }
            #expect(expired, "the token was refused as expired once its time passed, on the same connection")
        }
    }

    @Test("a signed decision kept by the connection follows a change of the item's rules at once")
    func keptDecisionFollowsRuleChanges() async throws {
        let data = try FastPathTests.dataDirectory()
        defer { data.remove() }
        let signer = URLSigner(key: "decision-memo-signing-key-0123456789")
        let rules = ChangingRules(ItemAccess(policy: .signed))
        let gate = AccessGate(settings: AccessSettings(signer: signer), rules: rules, index: FastPathTests.index, cacheSeconds: 600)
        let film = AccessScope(tree: .vod, owner: SafeName("film")!)
        let valid = signer.query(for: SignedURLClaims(scope: film, expires: Int(Date().timeIntervalSince1970) + 3600))
        let paths = ["/vod/film/master.m3u8?\(valid)", "/vod/film/v1/v360/seg-1.m4s?\(valid)"]
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: FastPathTests.index,
                             renderer: ListingText(), access: gate) { port, server in
            let fastPath = try #require(server.fastPath)
            for path in paths { for _ in 0..<2 { #expect(try await fetch(port, path).status == 200) } }
            try await offPool {
                let socket = try LoopbackSocket(port: port)
                defer { socket.close() }
                for path in paths {
                    let before = fastPath.answeredInFront.load(ordering: .relaxed)
                    // Repeats within the same second: the kept decision answers them.
                    for _ in 0..<5 { #expect(try Self.exchange(socket, path).status == 200) }
                    #expect(fastPath.answeredInFront.load(ordering: .relaxed) - before == 5, "\(path) answered by the front")
                    // The item becomes JWT-only (the admin API forgets the gate's copy of its rules): the next
                    // request on the same connection is refused, then allowed again once it is signed again.
                    rules.set(ItemAccess(policy: .jwt))
                    gate.forget(film)
                    #expect(try Self.exchange(socket, path).status == 403, "\(path) after the item became JWT-only")
                    rules.set(ItemAccess(policy: .signed))
                    gate.forget(film)
                    #expect(try Self.exchange(socket, path).status == 200, "\(path) after the item was signed again")
                    // Blocked in a country: the decision reads the viewer's country again (no kept decision).
                    rules.set(ItemAccess(policy: .signed, allowedCountries: ["NZ"]))
                    gate.forget(film)
                    #expect(try Self.exchange(socket, path).status == 403, "\(path) for a viewer of unknown country")
                    rules.set(ItemAccess(policy: .signed))
                    gate.forget(film)
                    #expect(try Self.exchange(socket, path).status == 200)
                }
            }
        }
    }
}

/// Item rules a test changes while the server runs.
final class ChangingRules: AccessRulesSource, @unchecked Sendable {
    private let lock = NSLock()
    private var item: ItemAccess
    init(_ item: ItemAccess) { self.item = item }
    func set(_ item: ItemAccess) { lock.withLock { self.item = item } }
    func rules(for scope: AccessScope) async throws -> ItemAccess { lock.withLock { item } }
}
