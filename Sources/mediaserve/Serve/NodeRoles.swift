import Foundation

/// What `mediaserve serve` runs on this node (`--roles`, `node.roles`; issue 14). Every node runs the same
/// binary; the shared catalog and store are the only state they share.
/// - `origin`: the HTTP origin (manifests, segments, admin API, uploads, preview page);
/// - `worker`: the ingest job worker pool (jobs from the catalog's queue);
/// - `live`: the RTMP and SRT listeners, writing segments and the live index into the store.
/// A node without `origin` still listens on `http.port` for `/healthz`, `/readyz`, `/time` and `/metrics`.
struct NodeRoles: OptionSet, Sendable, CustomStringConvertible {
    let rawValue: Int

    static let origin = NodeRoles(rawValue: 1 << 0)
    static let worker = NodeRoles(rawValue: 1 << 1)
    static let live = NodeRoles(rawValue: 1 << 2)
    static let all: NodeRoles = [.origin, .worker, .live]

    static let names: [(name: String, role: NodeRoles)] = [("origin", .origin), ("worker", .worker), ("live", .live)]

    init(rawValue: Int) { self.rawValue = rawValue }

    /// The roles `names` lists (`node.roles`, or `--roles a,b`); a name that is no role, or no role at all,
    /// is refused with the valid names.
    init(names given: [String]) throws {
        var roles: NodeRoles = []
        for name in given {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let role = Self.names.first(where: { $0.name == trimmed })?.role else {
                throw NodeRolesError.unknown(name)
            }
            roles.insert(role)
        }
        guard !roles.isEmpty else { throw NodeRolesError.none }
        self = roles
    }

    var description: String {
        Self.names.filter { contains($0.role) }.map(\.name).joined(separator: ",")
    }
}

enum NodeRolesError: Error, CustomStringConvertible {
    case unknown(String)
    case none

    var description: String {
        let valid = NodeRoles.names.map(\.name).joined(separator: ", ")
        switch self {
        case .unknown(let name): return "node.roles: '\(name)' is not a role (roles: \(valid))"
        case .none: return "node.roles is empty: name at least one of \(valid)"
        }
    }
}
