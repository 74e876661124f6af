import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL 15 server for one test, on a free loopback port, from Debian's packages (installed
/// on first use by `scripts/test-servers.sh postgres`). PostgreSQL refuses to run as root, so as root the
/// programs run as the `postgres` user through `setpriv`, which execs in place: the process the test
/// holds is the postmaster itself, so `kill9()` really kills the server. The cluster is made once per
/// test process by `initdb` (trust authentication on loopback, no fsync) and copied for each server.
public final class PostgresTestServer: @unchecked Sendable {
    public let server: TestServerProcess
    public let user = "mediaserve"
    public let database = "postgres"
    private let dataDirectory: URL
    private let bin: URL

    public var port: Int { server.port }
    /// `catalog.url` for this server.
    public var url: String { "postgres://\(user)@127.0.0.1:\(port)/\(database)" }

    /// Starts a server on a fresh copy of the template cluster. Throws, saying why, when PostgreSQL cannot
    /// be installed or started: a test that needs it fails, it is never skipped.
    public init() throws {
        bin = try TestServerProcess.programs("postgres")
        let template = try Self.template(bin: bin)
        let directory = try temporaryDirectory("postgres")
        dataDirectory = directory.appendingPathComponent("data")
        let copy = try run("/bin/cp", ["-a", template.path, dataDirectory.path])
        guard copy.status == 0 else { throw TestServerError("cannot copy the PostgreSQL cluster: \(copy.stderr)") }
        try Self.giveToPostgres(directory)
        server = try Self.start(bin: bin, data: dataDirectory, directory: directory, port: try TestServerProcess.freePort())
    }

    private init(restarting old: PostgresTestServer) throws {
        bin = old.bin
        dataDirectory = old.dataDirectory
        server = try Self.start(bin: bin, data: dataDirectory, directory: old.server.directory, port: old.port)
    }

    /// Kills the server (SIGKILL, no clean shutdown) and keeps its files.
    public func kill9() { server.kill9() }

    /// A new server on the same files and port, after `kill9()`: what a PostgreSQL restart looks like
    /// to clients (their connections broke; new ones succeed).
    public func restarted() throws -> PostgresTestServer { try PostgresTestServer(restarting: self) }

    /// Runs SQL as the superuser through psql (test set-up and inspection), in the catalog's database unless
    /// another is named (`template1`, to change the catalog's database from outside it).
    public func psql(_ sql: String, in otherDatabase: String? = nil) throws -> String {
        let result = try run(Self.asPostgres[0], Array(Self.asPostgres.dropFirst()) + [
            "/usr/bin/psql", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", otherDatabase ?? database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql,
        ])
        guard result.status == 0 else { throw TestServerError("psql failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func start(bin: URL, data: URL, directory: URL, port: Int) throws -> TestServerProcess {
        let command = asPostgres + [bin.appendingPathComponent("postgres").path, "-D", data.path, "-p", String(port),
                                    "-h", "127.0.0.1", "-k", directory.path, "-c", "fsync=off",
                                    "-c", "full_page_writes=off", "-c", "max_connections=200"]
        let server = try TestServerProcess(name: "postgres", port: port, directory: directory, program: command[0],
                                           arguments: Array(command.dropFirst()))
        // The port accepts while the server still refuses sessions ("the database system is starting up").
        let deadline = Date().addingTimeInterval(60)
        while try run(bin.appendingPathComponent("pg_isready").path, ["-h", "127.0.0.1", "-p", String(port), "-t", "5"]).status != 0 {
            guard Date() < deadline else {
                server.stop()
                throw TestServerError("postgres on port \(port) did not accept sessions within 60 s: \(server.log.suffix(2_000))")
            }
            usleep(50_000)
        }
        return server
    }

    /// The command prefix that runs a program as `postgres` when this process is root.
    private static var asPostgres: [String] {
        getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : ["/usr/bin/env"]
    }

    private static func giveToPostgres(_ url: URL) throws {
        guard getuid() == 0 else { return }
        let result = try run("/bin/chown", ["-R", "postgres:postgres", url.path])
        guard result.status == 0 else { throw TestServerError("chown postgres \(url.path) failed: \(result.stderr)") }
        chmod(url.path, 0o755)
    }

    private static let templateLock = NSLock()

    /// `initdb` once, kept in `.build/test-servers/postgres-15-cluster` for later runs (made under a
    /// temporary name and renamed, so a run that dies half-way leaves nothing that looks finished).
    private static func template(bin: URL) throws -> URL {
        try templateLock.withLock {
            let root = TestMedia.packageRoot.appendingPathComponent(".build/test-servers")
            let data = root.appendingPathComponent("postgres-15-cluster")
            if FileManager.default.fileExists(atPath: data.appendingPathComponent("PG_VERSION").path) { return data }
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let work = root.appendingPathComponent("postgres-15-cluster.\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try giveToPostgres(work)
            let initdb = try run(asPostgres[0], Array(asPostgres.dropFirst()) + [
                bin.appendingPathComponent("initdb").path, "-D", work.path, "-U", "mediaserve", "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync",
            ])
            guard initdb.status == 0 else {
                try? FileManager.default.removeItem(at: work)
                throw TestServerError("initdb failed (\(initdb.status)): \(initdb.stderr.suffix(2_000))")
            }
            try? FileManager.default.removeItem(at: data)
            try FileManager.default.moveItem(at: work, to: data)
            return data
        }
    }
}
