import Synchronization

/// Counts the origin's open HTTP connections, in all and per client address, and decides whether a new
/// one is served. One address cannot take every slot (per-address limit), the total stays below the
/// process's descriptor limit so segment files can still be opened, and a small reserve above the total
/// is kept for health checks: a load balancer can still see the server alive while it sheds a flood.
public final class ConnectionAdmission: Sendable {
    public enum Decision: Equatable, Sendable {
        /// Served normally.
        case admitted
        /// Over the total: admitted only for `/healthz`, `/readyz` and `/metrics` (503 for anything else).
        case healthChecksOnly
        /// Answered 503 at once and closed.
        case refused(String)
    }

    public let limits: HTTPConnectionLimits
    private let state = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    public init(limits: HTTPConnectionLimits) {
        self.limits = limits
    }

    /// Takes a slot for a connection from `address` (nil for a Unix socket); every decision other than
    /// `.refused` must be matched by one `release(address:)` when the connection closes.
    public func admit(address: String?) -> Decision {
        state.withLock { state in
            let fromAddress = address.map { state.byAddress[$0, default: 0] } ?? 0
            if limits.maxConnectionsPerAddress > 0, fromAddress >= limits.maxConnectionsPerAddress {
                return .refused("\(limits.maxConnectionsPerAddress) connections already open from this address")
            }
            let decision: Decision
            if limits.maxConnections <= 0 || state.total < limits.maxConnections {
                decision = .admitted
            } else if state.total < limits.maxConnections + limits.healthCheckReserve {
                decision = .healthChecksOnly
            } else {
                return .refused("\(limits.maxConnections) connections already open")
            }
            state.total += 1
            if let address { state.byAddress[address] = fromAddress + 1 }
            return decision
        }
    }

    public func release(address: String?) {
        state.withLock { state in
            state.total -= 1
            guard let address, let count = state.byAddress[address] else { return }
            state.byAddress[address] = count > 1 ? count - 1 : nil
        }
    }

    /// Open connections now (for tests and the metrics page).
    public var openConnections: Int { state.withLock { $0.total } }
}

/// How many HTTP connections the origin keeps and how long it waits on each (config `http.*`).
public struct HTTPConnectionLimits: Sendable, Equatable {
    /// Connections open at once; 0 means no limit other than the descriptor limit.
    public var maxConnections: Int
    /// Connections open at once from one client address; 0 means no per-address limit.
    public var maxConnectionsPerAddress: Int
    /// Extra connections over `maxConnections` served for health checks only.
    public var healthCheckReserve: Int
    /// A request's head must arrive whole this soon after its first byte (slow-header clients).
    public var headerTimeout: Duration
    /// A keep-alive connection with no request in progress is closed after this.
    public var idleTimeout: Duration
    /// A response that makes no progress towards a client that does not read is dropped after this.
    public var writeTimeout: Duration
    /// Responses queued on one connection before it stops reading further pipelined requests.
    public var maxResponsesInFlight: Int

    public init(maxConnections: Int = 10_000, maxConnectionsPerAddress: Int = 512, healthCheckReserve: Int = 32,
                headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(20),
                writeTimeout: Duration = .seconds(30), maxResponsesInFlight: Int = 2) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.healthCheckReserve = healthCheckReserve
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxResponsesInFlight = maxResponsesInFlight
    }

    /// The same limits with the total lowered so that `reserve` descriptors stay free below the process's
    /// open-file limit (for segment files, the catalog, logs and the health-check reserve).
    public func fitted(toDescriptorLimit descriptors: Int, reserve: Int = 512) -> HTTPConnectionLimits {
        var fitted = self
        let room = max(64, descriptors - reserve - healthCheckReserve)
        if fitted.maxConnections <= 0 || fitted.maxConnections > room { fitted.maxConnections = room }
        return fitted
    }
}
