import Crypto
import Foundation

/// The key that seals every content key in the catalog (`drm.master_key`, env `MEDIASERVE_DRM_MASTER_KEY`).
///
/// Content keys are stored only sealed: AES-256-GCM under the master key, with the key id as associated
/// data so a sealed key cannot be moved to another id. A wrong master key fails to open any of them, and
/// `verify(check:)` lets start-up say so once instead of every request failing.
public struct MasterKey: Sendable {
    private let bytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// 32 bytes as 64 hex digits or as base64 (standard or url-safe, padding optional).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { throw ProtectionError.masterKeyFormat(reason: "it is empty") }
        let bytes: [UInt8]
        if let hex = Hex.decode(trimmed) {
            bytes = hex
        } else if let decoded = Base64URL.decode(trimmed) {
            bytes = decoded
        } else {
            throw ProtectionError.masterKeyFormat(reason: "it is neither hex nor base64")
        }
        guard bytes.count == 32 else {
            throw ProtectionError.masterKeyFormat(reason: "it decodes to \(bytes.count) bytes, not 32")
        }
        self.bytes = bytes
    }

    /// Sealed form of a content key: nonce ‖ ciphertext ‖ tag (AES-GCM combined), 44 bytes.
    public func seal(_ contentKey: ContentKey) -> [UInt8] {
        let box = try! AES.GCM.seal(contentKey.key, using: key, authenticating: contentKey.id.bytes)
        return [UInt8](box.combined!)
    }

    public func open(_ sealed: [UInt8], kid: KeyID) throws -> ContentKey {
        guard let box = try? AES.GCM.SealedBox(combined: sealed) else { throw ProtectionError.sealedKeyDamaged(kid: kid) }
        guard let clear = try? AES.GCM.open(box, using: key, authenticating: kid.bytes) else {
            throw ProtectionError.masterKeyMismatch
        }
        return try ContentKey(id: kid, key: [UInt8](clear))
    }

    /// A value stored once beside the keys: the same master key opens it, another does not.
    public func makeCheck() -> [UInt8] {
        [UInt8](try! AES.GCM.seal(Array(Self.checkText.utf8), using: key, authenticating: Self.checkAAD).combined!)
    }

    /// Throws `masterKeyMismatch` when `check` was made with a different master key.
    public func verify(check: [UInt8]) throws {
        guard let box = try? AES.GCM.SealedBox(combined: check),
              let clear = try? AES.GCM.open(box, using: key, authenticating: Self.checkAAD),
              clear.elementsEqual(Self.checkText.utf8) else { throw ProtectionError.masterKeyMismatch }
    }

    private static let checkText = "mediaserve master key check"
    private static let checkAAD = Array("mediaserve/check".utf8)
}
