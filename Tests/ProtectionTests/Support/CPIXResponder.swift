import Crypto
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import Hummingbird
import Protection

/// A SPEKE v2 key server for the tests: checks each request the way SPEKE v2.0 / CPIX 2.3 describe it
/// (reading the XML with Foundation's DOM and XPath, not with the client's own parser), answers 422 with
/// the rule broken, and otherwise fills in known keys and per-system PSSH, ContentProtectionData and HLS
/// signalling. Keys are `SHA-256("responder" ‖ kid)[0..<16]`, so a test can check what a player would get.
struct CPIXResponder: Sendable {
    static func key(for kid: KeyID) -> [UInt8] { Array(SHA256.hash(data: Array("responder".utf8) + kid.bytes).prefix(16)) }

    /// The system's own PSSH data in this fake server's answers (a real DRM vendor puts its header here).
    static func psshData(system: KeyID) -> [UInt8] { Array("responder-\(system.uuidString)".utf8) }

    static func pssh(system: KeyID, kid: KeyID) -> [UInt8] {
        let data = psshData(system: system)
        var payload: [UInt8] = [0, 0, 0, 0] + system.bytes
        payload += withUnsafeBytes(of: UInt32(data.count).bigEndian, Array.init) + data
        return withUnsafeBytes(of: UInt32(payload.count + 8).bigEndian, Array.init) + Array("pssh".utf8) + payload
    }

    enum Refusal: Error { case invalid(String) }

    /// Answers one request body; throws `invalid` with the reason for a request SPEKE v2 does not allow.
    static func answer(_ body: [UInt8], speke version: String?) throws -> String {
        guard version == "2.0" else { throw Refusal.invalid("Unsupported SPEKE version") }
        let document: XMLDocument
        do { document = try XMLDocument(data: Data(body)) } catch { throw Refusal.invalid("not XML") }
        guard let root = document.rootElement(), root.localName == "CPIX", root.uri == "urn:dashif:org:cpix" else {
            throw Refusal.invalid("root is not cpix:CPIX")
        }
        guard let contentID = root.attribute(forName: "contentId")?.stringValue, !contentID.isEmpty else {
            throw Refusal.invalid("Missing CPIX@contentId")
        }
        guard let version = root.attribute(forName: "version")?.stringValue else { throw Refusal.invalid("Missing CPIX@version") }
        guard version == "2.3" else { throw Refusal.invalid("Unsupported CPIX@version") }
        let keys = try root.nodes(forXPath: "./*[local-name()='ContentKeyList']/*[local-name()='ContentKey']").compactMap { $0 as? XMLElement }
        guard !keys.isEmpty else { throw Refusal.invalid("no ContentKey") }
        var kids: [KeyID] = []
        var schemes = Set<String>()
        for key in keys {
            guard let text = key.attribute(forName: "kid")?.stringValue, let kid = KeyID(text), text.count == 36 else {
                throw Refusal.invalid("ContentKey@kid is not a UUID")
            }
            guard let scheme = key.attribute(forName: "commonEncryptionScheme")?.stringValue else {
                throw Refusal.invalid("Missing ContentKey@commonEncryptionScheme for KID \(text)")
            }
            guard key.childCount == 0 else { throw Refusal.invalid("a request carries no key values") }
            schemes.insert(scheme)
            kids.append(kid)
        }
        guard schemes.count == 1, ["cenc", "cbcs"].contains(schemes.first!) else {
            throw Refusal.invalid("Non compliant ContentKey@commonEncryptionScheme combination")
        }
        let systems = try root.nodes(forXPath: "./*[local-name()='DRMSystemList']/*[local-name()='DRMSystem']").compactMap { $0 as? XMLElement }
        guard !systems.isEmpty else { throw Refusal.invalid("no DRMSystem") }
        var asked: [(KeyID, KeyID)] = []
        for system in systems {
            guard let kid = system.attribute(forName: "kid")?.stringValue.flatMap({ KeyID($0) }), kids.contains(kid),
                  let systemID = system.attribute(forName: "systemId")?.stringValue.flatMap({ KeyID($0) }) else {
                throw Refusal.invalid("DRMSystem names no listed kid or no systemId")
            }
            let children = (system.children ?? []).compactMap { $0 as? XMLElement }
            guard children.contains(where: { $0.localName == "PSSH" }) else { throw Refusal.invalid("DRMSystem asks for no PSSH") }
            asked.append((kid, systemID))
        }
        let periods = try root.nodes(forXPath: "./*[local-name()='ContentKeyPeriodList']/*[local-name()='ContentKeyPeriod']")
            .compactMap { ($0 as? XMLElement)?.attribute(forName: "id")?.stringValue }
        let rules = try root.nodes(forXPath: "./*[local-name()='ContentKeyUsageRuleList']/*[local-name()='ContentKeyUsageRule']")
            .compactMap { $0 as? XMLElement }
        guard Set(rules.compactMap { $0.attribute(forName: "kid")?.stringValue.flatMap({ KeyID($0) }) }) == Set(kids) else {
            throw Refusal.invalid("every ContentKey needs a ContentKeyUsageRule")
        }
        if !periods.isEmpty {
            for rule in rules {
                let filters = try rule.nodes(forXPath: "./*[local-name()='KeyPeriodFilter']/@periodId").compactMap(\.stringValue)
                guard filters.count == 1, periods.contains(filters[0]) else { throw Refusal.invalid("a rule has no KeyPeriodFilter of a listed period") }
            }
        }
        var out = "<?xml version=\"1.0\"?><cpix:CPIX xmlns:cpix=\"urn:dashif:org:cpix\" xmlns:pskc=\"urn:ietf:params:xml:ns:keyprov:pskc\""
        out += " contentId=\"\(contentID)\" version=\"2.3\"><cpix:ContentKeyList>"
        for (kid, key) in zip(kids, keys) {
            out += "<cpix:ContentKey kid=\"\(kid.uuidString)\" commonEncryptionScheme=\"\(key.attribute(forName: "commonEncryptionScheme")!.stringValue!)\">"
            out += "<cpix:Data><pskc:Secret><pskc:PlainValue>\(Data(Self.key(for: kid)).base64EncodedString())</pskc:PlainValue></pskc:Secret></cpix:Data></cpix:ContentKey>"
        }
        out += "</cpix:ContentKeyList><cpix:DRMSystemList>"
        for (kid, system) in asked {
            let pssh = Data(Self.pssh(system: system, kid: kid)).base64EncodedString()
            let data = "<cenc:pssh>\(pssh)</cenc:pssh>"
            let hls = "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://\(kid.hex)\",KEYFORMAT=\"urn:uuid:\(system.uuidString)\",KEYFORMATVERSIONS=\"1\""
            out += "<cpix:DRMSystem kid=\"\(kid.uuidString)\" systemId=\"\(system.uuidString)\"><cpix:PSSH>\(pssh)</cpix:PSSH>"
            out += "<cpix:ContentProtectionData>\(Data(data.utf8).base64EncodedString())</cpix:ContentProtectionData>"
            out += "<cpix:HLSSignalingData playlist=\"media\">\(Data(hls.utf8).base64EncodedString())</cpix:HLSSignalingData>"
            out += "<cpix:HLSSignalingData playlist=\"master\">\(Data(hls.replacingOccurrences(of: "EXT-X-KEY", with: "EXT-X-SESSION-KEY").utf8).base64EncodedString())</cpix:HLSSignalingData>"
            out += "</cpix:DRMSystem>"
        }
        out += "</cpix:DRMSystemList></cpix:CPIX>"
        return out
    }

    /// Runs the responder over HTTP on 127.0.0.1 (ephemeral port) for the duration of `body`.
    static func serve<T: Sendable>(authHeader: (String, String)? = nil, _ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("speke/v2") { request, _ -> Response in
            if let (name, value) = authHeader, request.headers[HTTPField.Name(name)!] != value {
                return Response(status: .forbidden)
            }
            let bytes = try await request.body.collect(upTo: 1 << 20)
            do {
                let xml = try answer([UInt8](buffer: bytes), speke: request.headers[HTTPField.Name("X-Speke-Version")!])
                return Response(status: .ok, headers: [.contentType: "application/xml", HTTPField.Name("X-Speke-Version")!: "2.0",
                                                       HTTPField.Name("X-Speke-User-Agent")!: "mediaserve-test-responder"],
                                body: .init(byteBuffer: ByteBuffer(string: xml)))
            } catch Refusal.invalid(let reason) {
                return Response(status: .unprocessableContent, body: .init(byteBuffer: ByteBuffer(string: reason)))
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw Refusal.invalid("responder did not start") }
            defer { group.cancelAll() }
            return try await body("http://127.0.0.1:\(port)/speke/v2")
        }
    }
}
