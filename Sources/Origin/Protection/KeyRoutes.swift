import Hummingbird
import NIOCore
import Protection

/// `GET /keys/<kid>` (HLS identity key format: the 16 raw bytes) and `POST /clearkey/license` (W3C
/// ClearKey). Both answer only for keys of items the request may open (`KeyAccessPolicy`), and both are
/// `Cache-Control: private, no-store`: a CDN must never keep a key.
struct KeyRoutes: Sendable {
    let protection: ProtectionService
    /// `GatedKeyAccess` when the server has access control, else the service's own policy.
    let access: any KeyAccessPolicy

    func register(on router: Router<OriginRequestContext>) {
        router.get("keys/:kid") { request, context in
            guard let kid = KeyID(context.parameters.get("kid") ?? "") else {
                throw OriginError.notFound("key ids are 32 hex digits")
            }
            let entry = try lookup(kid)
            guard try await access.allowsKeys(of: entry.owner, request: request, context: context) else {
                throw OriginError.status(.forbidden, "key \(kid.hex): this request may not open \(entry.owner)")
            }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream",
                                                   .cacheControl: CachePolicy.privateNoStore.headerValue],
                            body: .init(byteBuffer: ByteBuffer(bytes: entry.served.period.key.key)))
        }
        router.post("clearkey/license") { request, context in
            let body = try await request.body.collect(upTo: 16 * 1024)
            let licence: ClearKeyLicenceRequest
            do {
                licence = try ClearKeyLicenceRequest(json: [UInt8](buffer: body))
            } catch let error as ProtectionError {
                throw OriginError.badRequest(error.description)
            }
            var keys: [ContentKey] = []
            for kid in licence.kids {
                let entry = try lookup(kid)
                guard try await access.allowsKeys(of: entry.owner, request: request, context: context) else {
                    throw OriginError.status(.forbidden, "key \(kid.hex): this request may not open \(entry.owner)")
                }
                keys.append(entry.served.period.key)
            }
            return Response(status: .ok, headers: [.contentType: "application/json",
                                                   .cacheControl: CachePolicy.privateNoStore.headerValue],
                            body: .init(byteBuffer: ByteBuffer(bytes: ClearKeyLicenceResponse(keys: keys, type: licence.type).json)))
        }
    }

    private func lookup(_ kid: KeyID) throws -> KeyVault.ServedKeyEntry {
        let found: KeyVault.ServedKeyEntry?
        do {
            found = try protection.vault.key(kid: kid)
        } catch let error as ProtectionError {
            throw ProtectionService.httpError(error)
        }
        guard let found else { throw OriginError.notFound("key \(kid.hex)") }
        return found
    }
}
