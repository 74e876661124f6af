import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What a DRM system needs signalled for one key: the `pssh` box for inits and MPDs, the MPD
/// `ContentProtection` content, the HLS `EXT-X-KEY` / `EXT-X-SESSION-KEY` lines. Stored with the key.
public struct DRMSignalling: Hashable, Sendable, Codable {
    public var systemID: String
    public var pssh: [UInt8]?
    public var contentProtectionData: String?
    public var hlsMedia: String?
    public var hlsMaster: String?

    public init(systemID: KeyID, pssh: [UInt8]?, contentProtectionData: String?, hlsMedia: String?, hlsMaster: String?) {
        self.systemID = systemID.uuidString
        self.pssh = pssh
        self.contentProtectionData = contentProtectionData
        self.hlsMedia = hlsMedia
        self.hlsMaster = hlsMaster
    }

    public var system: KeyID? { KeyID(systemID) }
}

/// A key with the DRM data the key server returned for it.
public struct ServedKey: Hashable, Sendable {
    public let period: KeyPeriod
    public let signalling: [DRMSignalling]
}

/// Where and how to reach a SPEKE v2 key server (`drm.speke.*`).
public struct SPEKESettings: Sendable, Equatable {
    public var url: String
    /// `Name: value`, sent with every request (e.g. `Authorization: Bearer ...`, `x-api-key: ...`).
    public var authHeader: String?
    public var systems: [DRMSystem]
    public var timeoutSeconds: Int64

    public init(url: String, authHeader: String? = nil, systems: [DRMSystem], timeoutSeconds: Int64 = 10) {
        self.url = url
        self.authHeader = authHeader
        self.systems = systems
        self.timeoutSeconds = timeoutSeconds
    }
}

/// The SPEKE v2.0 client (CPIX 2.3 over HTTP POST): asks the key server for the keys of one content id
/// and the DRM data of every configured system, and checks the answer covers what was asked.
public struct SPEKEClient: Sendable {
    public let settings: SPEKESettings
    private let http: HTTPClient

    public init(settings: SPEKESettings, http: HTTPClient = .shared) {
        self.settings = settings
        self.http = http
    }

    /// One key per period index (`[0]` for VOD). Key ids are chosen here and sent; the server supplies values.
    public func keys(contentID: String, scheme: SampleScheme, periodIndexes: [Int]) async throws -> [ServedKey] {
        let kids = periodIndexes.map { _ in KeyID.random() }
        let request = CPIXDocument.spekeRequest(contentID: contentID, scheme: scheme, keys: kids, systems: settings.systems,
                                                periodIndexes: periodIndexes.count > 1 || periodIndexes != [0] ? periodIndexes : nil)
        let body = try await post(CPIXWriter.xml(request))
        let response: CPIXDocument
        do {
            response = try CPIXParser.parse(body)
        } catch let error as ProtectionError {
            throw ProtectionError.keyServer(reason: "answer unreadable: \(error)")
        }
        return try Self.match(response: response, contentID: contentID, kids: kids, periodIndexes: periodIndexes,
                              systems: settings.systems)
    }

    /// Pairs the answer with the request: same content id, a 16-byte value for every key id asked for.
    static func match(response: CPIXDocument, contentID: String, kids: [KeyID], periodIndexes: [Int],
                      systems: [DRMSystem]) throws -> [ServedKey] {
        guard response.contentID == contentID else {
            throw ProtectionError.keyServer(reason: "answered for content id \(response.contentID), asked for \(contentID)")
        }
        return try zip(kids, periodIndexes).map { kid, index in
            guard let entry = response.contentKeys.first(where: { $0.kid == kid }), let value = entry.value else {
                throw ProtectionError.keyServer(reason: "no key value for kid \(kid)")
            }
            let key = try ContentKey(id: kid, key: value)
            let signalling = response.drmSystems.filter { $0.kid == kid && systems.map(\.id).contains($0.systemID) }.map {
                DRMSignalling(systemID: $0.systemID, pssh: $0.pssh, contentProtectionData: $0.contentProtectionData,
                              hlsMedia: $0.hlsSignalingMedia, hlsMaster: $0.hlsSignalingMaster)
            }
            return ServedKey(period: KeyPeriod(index: index, key: key), signalling: signalling)
        }
    }

    private func post(_ xml: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/xml")
        request.headers.add(name: "X-Speke-Version", value: "2.0")
        request.headers.add(name: "X-Speke-User-Agent", value: "mediaserve")
        if let header = settings.authHeader, let colon = header.firstIndex(of: ":") {
            request.headers.add(name: String(header[..<colon]).trimmingCharacters(in: .whitespaces),
                                value: String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        request.body = .bytes(ByteBuffer(string: xml))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(settings.timeoutSeconds))
        } catch {
            throw ProtectionError.keyServer(reason: "\(settings.url): \(error)")
        }
        let body = try await response.body.collect(upTo: 4 << 20)
        let bytes = [UInt8](buffer: body)
        guard response.status == .ok else {
            let text = String(decoding: bytes.prefix(200), as: UTF8.self)
            throw ProtectionError.keyServer(reason: "\(settings.url) answered \(response.status.code): \(text)")
        }
        return bytes
    }
}
