import Foundation
import Ingest

/// Ctrl-C and SIGTERM cancel the running ingest (which then removes its staging folder) instead of
/// killing the process mid-write.
final class SignalTrap {
    private var sources: [DispatchSourceSignal] = []

    init(cancel: CancellationFlag) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { cancel.cancel() }
            source.resume()
            sources.append(source)
        }
    }

    func release() {
        sources.forEach { $0.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
