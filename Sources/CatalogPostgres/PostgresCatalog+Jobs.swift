import Catalog
import Foundation
import MediaCore

/// The job queue shared by every worker node. A claim takes the oldest claimable row with
/// `FOR UPDATE SKIP LOCKED`, so concurrent claimers on any node skip each other's rows instead of
/// waiting or taking the same one. Lease times are the server's `now()`, so nodes' clocks may differ.
extension PostgresCatalog {
    public func enqueueJob(id: String?, kind: JobKind, assetID: AssetID, sourcePath: String, options: String) throws -> JobRecord {
        let now = clock()
        let job = try CatalogRules.newJob(id: id, kind: kind, assetID: assetID, sourcePath: sourcePath, options: options, now: now)
        try pool.withSession("enqueue job") { session in
            try session.execute("""
                INSERT INTO jobs (id, kind, asset_id, source_path, options, state, percent, attempts, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, 'queued', 0, 0, $6, $7)
                """, [job.id, kind.rawValue, assetID.rawValue, sourcePath, options, now, now])
        }
        return job
    }

    public func claimNextJob(lease: JobLeaseTerms?) throws -> JobRecord? {
        let now = clock()
        return try pool.transaction("claim job") { session in
            if let lease {
                try session.execute("""
                    UPDATE jobs SET state = 'interrupted', lease_owner = NULL, lease_expires_at = NULL, updated_at = $1,
                        error = 'its worker stopped renewing the lease after ' || attempts || ' attempts; requeue it by hand'
                    WHERE id IN (SELECT id FROM jobs WHERE state = 'running' AND lease_expires_at < now() AND attempts >= $2
                                 FOR UPDATE SKIP LOCKED)
                    """, [now, lease.maxAttempts])
            }
            guard let row = try session.queryOne("""
                SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < now())
                ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED
                """) else { return nil }
            let id: String = try row.get("id")
            return try session.queryOne("""
                UPDATE jobs SET state = 'running', attempts = attempts + 1, percent = 0, error = NULL, updated_at = $1,
                    lease_owner = $2, lease_expires_at = CASE WHEN $2::text IS NULL THEN NULL
                                                             ELSE now() + make_interval(secs => $3) END
                WHERE id = $4 RETURNING *
                """, [now, lease?.owner, lease?.seconds ?? 0, id]).map(Self.jobRecord)
        }
    }

    public func renewJobLease(_ lease: JobLease, seconds: Double) throws {
        let now = clock()
        try pool.withSession("renew lease of job \(lease.job)") { session in
            let renewed = try session.execute("""
                UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $1), updated_at = $2
                WHERE id = $3 AND state = 'running' AND lease_owner = $4 AND attempts = $5
                """, [seconds, now, lease.job, lease.owner, lease.attempt])
            guard renewed > 0 else { throw CatalogError.leaseLost(job: lease.job) }
        }
    }

    /// Inside a publish's transaction: the job must still run under `lease` and the lease must not have
    /// lapsed; it then succeeds with the publish, so a lapsed worker's late publish changes nothing.
    static func completeLeasedJob(_ lease: JobLease, now: Date, session: PostgresSession) throws {
        let done = try session.execute("""
            UPDATE jobs SET state = 'succeeded', percent = 100, error = NULL, updated_at = $1, lease_expires_at = NULL
            WHERE id = $2 AND state = 'running' AND lease_owner = $3 AND attempts = $4 AND lease_expires_at >= now()
            """, [now, lease.job, lease.owner, lease.attempt])
        guard done > 0 else { throw CatalogError.leaseLost(job: lease.job) }
    }

    public func updateJobProgress(id: String, percent: Double) throws {
        let clamped = percent.isFinite ? min(max(percent, 0), 100) : 0
        try transition(id: id, from: [.running], set: "percent = $3", [clamped])
    }

    public func finishJob(id: String) throws {
        try transition(id: id, from: [.running], set: "state = 'succeeded', percent = 100, error = NULL, lease_expires_at = NULL", [])
    }

    public func failJob(id: String, error: String) throws {
        try transition(id: id, from: [.queued, .running], set: "state = 'failed', error = $3, lease_expires_at = NULL", [error])
    }

    @discardableResult
    public func requeueJob(id: String) throws -> JobRecord {
        try transition(id: id, from: [.interrupted, .failed],
                       set: "state = 'queued', percent = 0, error = NULL, lease_owner = NULL, lease_expires_at = NULL", [])
        guard let job = try job(id: id) else { throw CatalogError.jobNotFound(id) }
        return job
    }

    public func job(id: String) throws -> JobRecord? {
        try pool.withSession("read job") { session in
            try session.queryOne("SELECT * FROM jobs WHERE id = $1", [id]).map(Self.jobRecord)
        }
    }

    public func listJobs(state: JobState?, limit: Int) throws -> [JobRecord] {
        try pool.withSession("list jobs") { session in
            if let state {
                return try session.query("SELECT * FROM jobs WHERE state = $1 ORDER BY created_at DESC, seq DESC LIMIT $2",
                                         [state.rawValue, max(0, limit)]).map(Self.jobRecord)
            }
            return try session.query("SELECT * FROM jobs ORDER BY created_at DESC, seq DESC LIMIT $1", [max(0, limit)])
                .map(Self.jobRecord)
        }
    }

    /// At a node's start-up. Jobs claimed without a lease belong to a single-process deployment and are
    /// handled as SQLite does; a leased job belongs to whichever node holds it, so only a lapsed lease is
    /// taken back here (another node may be running the rest right now).
    @discardableResult
    public func markInterruptedJobs(maxAttempts: Int) throws -> InterruptedJobs {
        let now = clock()
        return try pool.transaction("requeue interrupted jobs") { session in
            var result = InterruptedJobs()
            let rows = try session.query("""
                SELECT id, attempts FROM jobs
                WHERE state = 'running' AND (lease_owner IS NULL OR lease_expires_at < now())
                ORDER BY created_at, seq FOR UPDATE SKIP LOCKED
                """)
            for row in rows {
                let id: String = try row.get("id"), attempts: Int = try row.get("attempts")
                if attempts < maxAttempts {
                    try session.execute("""
                        UPDATE jobs SET state = 'queued', percent = 0, error = $1, updated_at = $2, lease_owner = NULL,
                            lease_expires_at = NULL WHERE id = $3
                        """, ["interrupted by a restart (attempt \(attempts)); queued again", now, id])
                    result.requeued.append(id)
                } else {
                    try session.execute("""
                        UPDATE jobs SET state = 'interrupted', error = $1, updated_at = $2, lease_owner = NULL,
                            lease_expires_at = NULL WHERE id = $3
                        """, ["interrupted by a restart after \(attempts) attempts; requeue it by hand", now, id])
                    result.interrupted.append(id)
                }
            }
            return result
        }
    }

    public func jobCounts() throws -> [JobState: Int] {
        try pool.withSession("count jobs") { session in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try session.query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                let text: String = try row.get("state")
                guard let state = JobState(rawValue: text) else {
                    throw CatalogError.invalidStoredValue(table: "jobs", column: "state", value: text)
                }
                counts[state] = try row.get("n")
            }
            return counts
        }
    }

    // MARK: Rows

    /// Applies `set` ($3... are `arguments`) to a job in one of the `from` states; `jobNotFound` or
    /// `jobState` otherwise.
    private func transition(id: String, from: [JobState], set: String, _ arguments: [any SQLBindable]) throws {
        let now = clock()
        try pool.transaction("update job \(id)") { session in
            let allowed = from.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let changed = try session.execute("UPDATE jobs SET \(set), updated_at = $1 WHERE id = $2 AND state IN (\(allowed))",
                                              [now, id] + arguments)
            if changed > 0 { return }
            guard let row = try session.queryOne("SELECT * FROM jobs WHERE id = $1", [id]) else { throw CatalogError.jobNotFound(id) }
            throw CatalogError.jobState(id: id, state: try Self.jobRecord(row).state, expected: from)
        }
    }

    static func jobRecord(_ row: SQLRow) throws -> JobRecord {
        let stateText: String = try row.get("state"), assetText: String = try row.get("asset_id")
        guard let state = JobState(rawValue: stateText) else {
            throw CatalogError.invalidStoredValue(table: "jobs", column: "state", value: stateText)
        }
        guard let assetID = AssetID(assetText) else {
            throw CatalogError.invalidStoredValue(table: "jobs", column: "asset_id", value: assetText)
        }
        return JobRecord(id: try row.get("id"), kind: JobKind(rawValue: try row.get("kind")), assetID: assetID,
                         sourcePath: try row.get("source_path"), options: try row.get("options"), state: state,
                         percent: try row.get("percent"), error: try row.get("error"), attempts: try row.get("attempts"),
                         createdAt: try row.get("created_at"), updatedAt: try row.get("updated_at"),
                         leaseOwner: try row.get("lease_owner"), leaseExpiresAt: try row.get("lease_expires_at"))
    }
}
