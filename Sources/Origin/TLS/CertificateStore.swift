import Foundation
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The HTTPS certificate and key (`http.tls.cert_file`, `http.tls.key_file`), read from PEM files and
/// read again on SIGHUP: new handshakes get the new pair, open connections keep theirs, and a bad file
/// leaves the previous pair in place (logged), so a renewal never takes the server down.
public final class CertificateStore: Sendable {
    public let certificateFile: String
    public let keyFile: String
    private let current: Mutex<(chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)>

    /// Throws one line naming the file that could not be used.
    public init(certificateFile: String, keyFile: String) throws {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        current = Mutex(try Self.read(certificateFile: certificateFile, keyFile: keyFile))
    }

    public func reload() throws {
        let fresh = try Self.read(certificateFile: certificateFile, keyFile: keyFile)
        current.withLock { $0 = fresh }
    }

    /// TLS 1.2+ with HTTP/2 and HTTP/1.1 offered by ALPN; the pair is looked up per handshake.
    func serverConfiguration() -> TLSConfiguration {
        let pair = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) }, privateKey: .privateKey(pair.key))
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { [self] _, promise in
            let pair = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return configuration
    }

    /// SHA-256 fingerprint-ish identity of the leaf (its serial number), for the reload log line.
    var leafSerial: String {
        current.withLock { $0.chain.first.map { $0.serialNumber.map { String(format: "%02x", $0) }.joined() } ?? "" }
    }

    private static func read(certificateFile: String, keyFile: String) throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw CertificateError(message: "http.tls.cert_file \(certificateFile) is not a readable PEM certificate: \(error)")
        }
        guard !chain.isEmpty else { throw CertificateError(message: "http.tls.cert_file \(certificateFile) holds no certificate") }
        do {
            return (chain, try NIOSSLPrivateKey(file: keyFile, format: .pem))
        } catch {
            throw CertificateError(message: "http.tls.key_file \(keyFile) is not a readable PEM private key: \(error)")
        }
    }
}

public struct CertificateError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Reloads the certificate on every SIGHUP until the server shuts down.
struct CertificateReloadService: Service {
    let store: CertificateStore
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try store.reload()
                logger.notice("SIGHUP: TLS certificate reloaded from \(store.certificateFile) (serial \(store.leafSerial))")
            } catch {
                logger.error("SIGHUP: certificate not reloaded, keeping the previous one: \(error)")
            }
        }
    }
}
