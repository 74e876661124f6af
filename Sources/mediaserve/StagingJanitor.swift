import Foundation
import MediaCore
import Storage

/// Staging folders of command-line ingests carry the process id (`cli-<pid>-<asset>`), so a later
/// `mediaserve ingest` can remove what a killed one (kill -9, power loss) left behind without touching
/// the work of a server or another ingest that is still running. The server cleans all of staging/ at
/// start-up (DataStores.recoverInterruptedWork).
enum StagingJanitor {
    static func jobName(asset: AssetID, pid: Int32 = getpid()) -> String { "cli-\(pid)-\(asset)" }

    static func removeAbandoned(in data: DataDirectory) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: data.stagingRoot.path)) ?? []
        for entry in entries {
            let parts = entry.split(separator: "-", maxSplits: 2)
            guard parts.count == 3, parts[0] == "cli", let pid = Int32(parts[1]), !isAlive(pid) else { continue }
            try? FileManager.default.removeItem(at: data.stagingRoot.appendingPathComponent(entry))
        }
    }

    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
