import FFmpegKit
import Foundation
import Testing

/// A full disk while writing segments is a clear error, not a crash or a silently short file.
struct DiskFullTests {
    @Test func writerReportsNoSpaceLeft() throws {
        let encoder = try Encoder.aac(sampleRate: 48_000, channels: 2, bitrateKbps: 128)
        let writer = try FragmentedMP4Writer(encoder: encoder)
        // /dev/full accepts open() and fails every write with ENOSPC.
        do {
            try writer.writeInit(to: "/dev/full")
            Issue.record("writing to /dev/full succeeded")
        } catch {
            #expect(error.code == -ENOSPC)
            #expect(error.description.contains("No space left on device"), "\(error)")
        }
    }
}
