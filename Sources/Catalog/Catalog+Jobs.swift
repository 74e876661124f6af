import Foundation
import GRDB
import MediaCore

extension Catalog {
    public func enqueueJob(id: String?, kind: JobKind, assetID: AssetID, sourcePath: String, options: String) throws -> JobRecord {
        let now = clock()
        let job = try CatalogRules.newJob(id: id, kind: kind, assetID: assetID, sourcePath: sourcePath, options: options, now: now)
        try perform("enqueue job") {
            try writer.write { db in
                try db.execute(sql: """
                    INSERT INTO jobs (id, kind, asset_id, source_path, options, state, percent, attempts, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)
                    """, arguments: [job.id, kind.rawValue, assetID.rawValue, sourcePath, options,
                                     JobState.queued.rawValue, now, now])
            }
        }
        return job
    }

    public func claimNextJob(lease: JobLeaseTerms?) throws -> JobRecord? {
        let now = clock()
        return try perform("claim job") {
            // One write transaction: SQLite has a single writer, so no two claims can pick the same row.
            try writer.write { db in
                if let lease {
                    try db.execute(sql: """
                        UPDATE jobs SET state = 'interrupted', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,
                            error = 'its worker stopped renewing the lease after ' || attempts || ' attempts; requeue it by hand'
                        WHERE state = 'running' AND lease_expires_at < ? AND attempts >= ?
                        """, arguments: [now, now, lease.maxAttempts])
                }
                guard let id = try String.fetchOne(db, sql: """
                    SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < ?)
                    ORDER BY created_at, rowid LIMIT 1
                    """, arguments: [now]) else { return nil }
                try db.execute(sql: """
                    UPDATE jobs SET state = 'running', attempts = attempts + 1, percent = 0, error = NULL, updated_at = ?,
                        lease_owner = ?, lease_expires_at = ?
                    WHERE id = ?
                    """, arguments: [now, lease?.owner, lease.map { now.addingTimeInterval($0.seconds) }, id])
                return try Self.fetchJob(db, id: id)
            }
        }
    }

    public func renewJobLease(_ lease: JobLease, seconds: Double) throws {
        let now = clock()
        try perform("renew lease of job \(lease.job)") {
            try writer.write { db in
                try db.execute(sql: """
                    UPDATE jobs SET lease_expires_at = ?, updated_at = ?
                    WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?
                    """, arguments: [now.addingTimeInterval(seconds), now, lease.job, lease.owner, lease.attempt])
                guard db.changesCount > 0 else { throw CatalogError.leaseLost(job: lease.job) }
            }
        }
    }

    /// Inside a publish's transaction: the job must still run under `lease` (not lapsed); it then succeeds.
    static func completeLeasedJob(_ lease: JobLease, now: Date, db: Database) throws {
        try db.execute(sql: """
            UPDATE jobs SET state = 'succeeded', percent = 100, error = NULL, updated_at = ?, lease_expires_at = NULL
            WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ? AND lease_expires_at >= ?
            """, arguments: [now, lease.job, lease.owner, lease.attempt, now])
        guard db.changesCount > 0 else { throw CatalogError.leaseLost(job: lease.job) }
    }

    public func updateJobProgress(id: String, percent: Double) throws {
        let clamped = percent.isFinite ? min(max(percent, 0), 100) : 0
        try transition(id: id, from: [.running], set: "percent = ?", arguments: [clamped])
    }

    public func finishJob(id: String) throws {
        try transition(id: id, from: [.running], set: "state = 'succeeded', percent = 100, error = NULL", arguments: [])
    }

    public func failJob(id: String, error: String) throws {
        try transition(id: id, from: [.queued, .running], set: "state = 'failed', error = ?", arguments: [error])
    }

    @discardableResult
    public func requeueJob(id: String) throws -> JobRecord {
        try transition(id: id, from: [.interrupted, .failed], set: "state = 'queued', percent = 0, error = NULL", arguments: [])
        guard let job = try job(id: id) else { throw CatalogError.jobNotFound(id) }
        return job
    }

    public func job(id: String) throws -> JobRecord? {
        try perform("read job") { try writer.read { db in try Self.fetchJob(db, id: id) } }
    }

    public func listJobs(state: JobState?, limit: Int) throws -> [JobRecord] {
        try perform("list jobs") {
            try writer.read { db in
                let rows: [Row]
                if let state {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                                            arguments: [state.rawValue, max(0, limit)])
                } else {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?",
                                            arguments: [max(0, limit)])
                }
                return try rows.map(Self.jobRecord)
            }
        }
    }

    @discardableResult
    public func markInterruptedJobs(maxAttempts: Int) throws -> InterruptedJobs {
        let now = clock()
        return try perform("requeue interrupted jobs") {
            try writer.write { db in
                var result = InterruptedJobs()
                let rows = try Row.fetchAll(db, sql: "SELECT id, attempts FROM jobs WHERE state = 'running' ORDER BY created_at, rowid")
                for row in rows {
                    let id: String = row["id"], attempts: Int = row["attempts"]
                    if attempts < maxAttempts {
                        try db.execute(sql: """
                            UPDATE jobs SET state = 'queued', percent = 0, error = ?, updated_at = ? WHERE id = ?
                            """, arguments: ["interrupted by a restart (attempt \(attempts)); queued again", now, id])
                        result.requeued.append(id)
                    } else {
                        try db.execute(sql: """
                            UPDATE jobs SET state = 'interrupted', error = ?, updated_at = ? WHERE id = ?
                            """, arguments: ["interrupted by a restart after \(attempts) attempts; requeue it by hand", now, id])
                        result.interrupted.append(id)
                    }
                }
                return result
            }
        }
    }

    public func jobCounts() throws -> [JobState: Int] {
        try perform("count jobs") {
            try writer.read { db in
                var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
                for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                    let text: String = row["state"]
                    guard let state = JobState(rawValue: text) else {
                        throw CatalogError.invalidStoredValue(table: "jobs", column: "state", value: text)
                    }
                    counts[state] = row["n"]
                }
                return counts
            }
        }
    }

    // MARK: Rows

    /// Applies `set` to a job in one of the `from` states; `jobNotFound` or `jobState` otherwise.
    private func transition(id: String, from: [JobState], set: String, arguments: StatementArguments) throws {
        let now = clock()
        try perform("update job \(id)") {
            try writer.write { db in
                let allowed = from.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                try db.execute(sql: "UPDATE jobs SET \(set), updated_at = ? WHERE id = ? AND state IN (\(allowed))",
                               arguments: arguments + [now, id])
                if db.changesCount > 0 { return }
                guard let job = try Self.fetchJob(db, id: id) else { throw CatalogError.jobNotFound(id) }
                throw CatalogError.jobState(id: id, state: job.state, expected: from)
            }
        }
    }

    static func fetchJob(_ db: Database, id: String) throws -> JobRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(jobRecord)
    }

    static func jobRecord(_ row: Row) throws -> JobRecord {
        let stateText: String = row["state"], assetText: String = row["asset_id"]
        guard let state = JobState(rawValue: stateText) else {
            throw CatalogError.invalidStoredValue(table: "jobs", column: "state", value: stateText)
        }
        guard let assetID = AssetID(assetText) else {
            throw CatalogError.invalidStoredValue(table: "jobs", column: "asset_id", value: assetText)
        }
        return JobRecord(id: row["id"], kind: JobKind(rawValue: row["kind"]), assetID: assetID,
                         sourcePath: row["source_path"], options: row["options"], state: state,
                         percent: row["percent"], error: row["error"], attempts: row["attempts"],
                         createdAt: row["created_at"], updatedAt: row["updated_at"],
                         leaseOwner: row["lease_owner"], leaseExpiresAt: row["lease_expires_at"])
    }
}
