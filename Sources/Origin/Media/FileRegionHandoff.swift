import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Storage
import Synchronization

/// Sends segment bodies with sendfile(2) through NIO's `FileRegion`, like nginx's `sendfile on`.
///
/// Hummingbird's response writer only takes `ByteBuffer`s, so a file body is written as a small token
/// (a per-process random prefix and an id); `FileRegionSwapHandler`, placed just below Hummingbird's
/// HTTP-types codec, swaps the token for a `FileRegion` over the already-open file. Only for plain HTTP/1
/// (a TLS channel cannot send a FileRegion); the streaming path is used otherwise.
public final class FileRegionHandoff: Sendable {
    struct Pending {
        let file: LocalFile
        let range: Range<Int>
        /// When the token's write returned: from then on it reaches the swap handler within moments, or
        /// never (its connection closed first). Nil while the write may still be waiting for the socket.
        var handedOver: ContinuousClock.Instant?
    }

    static let tokenLength = 24
    private let prefix: [UInt8] = (0..<16).map { _ in UInt8.random(in: 0...255) }
    private let state = Mutex<(next: UInt64, pending: [UInt64: Pending])>((1, [:]))
    /// An entry whose token was handed over but never reached the handler (the connection closed first) is
    /// dropped after this, with its open file: under a flood of closing connections such entries add up.
    static let expiry: Duration = .seconds(1)

    public init() {}

    /// Registers a file range and returns the token that stands for it in the response body.
    func token(for file: LocalFile, range: Range<Int>) -> ByteBuffer {
        let id = state.withLock { state -> UInt64 in
            let id = state.next
            state.next += 1
            state.pending[id] = Pending(file: file, range: range, handedOver: nil)
            return id
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Self.tokenLength)
        buffer.writeBytes(prefix)
        buffer.writeInteger(id)
        return buffer
    }

    /// The token's write returned: it is in the channel's pipeline now (or lost with a closing channel).
    func handedOver(_ token: ByteBuffer) {
        guard let id = id(of: token) else { return }
        let now = ContinuousClock.now
        state.withLock { $0.pending[id]?.handedOver = now }
    }

    /// Drops entries handed over longer than `expiry` ago: their connection closed before the swap handler
    /// saw them. Their files close when the last reference goes.
    func sweep() {
        let now = ContinuousClock.now
        let dropped = state.withLock { state -> [Pending] in
            let stale = state.pending.filter { entry in entry.value.handedOver.map { now - $0 > Self.expiry } ?? false }
            for key in stale.keys { state.pending.removeValue(forKey: key) }
            return Array(stale.values)
        }
        _ = dropped  // released here, outside the lock (closing descriptors)
    }

    /// Forgets a token whose write failed.
    func discard(_ token: ByteBuffer) {
        guard let id = id(of: token) else { return }
        _ = state.withLock { $0.pending.removeValue(forKey: id) }
    }

    /// The pending file a body buffer stands for, removed from the table; nil for ordinary data.
    func take(_ buffer: ByteBuffer) -> Pending? {
        guard let id = id(of: buffer) else { return nil }
        return state.withLock { $0.pending.removeValue(forKey: id) }
    }

    private func id(of buffer: ByteBuffer) -> UInt64? {
        guard buffer.readableBytes == Self.tokenLength,
              buffer.readableBytesView.prefix(16).elementsEqual(prefix) else { return nil }
        return buffer.getInteger(at: buffer.readerIndex + 16, as: UInt64.self)
    }

    /// The handler to give Hummingbird's HTTP/1 channel (`additionalChannelHandlers`); it installs the swap
    /// handler at the right place when the connection's pipeline is built.
    public func installer() -> any RemovableChannelHandler { FileRegionInstaller(handoff: self) }
}

/// Added by Hummingbird after its HTTP-types codec; puts `FileRegionSwapHandler` just before that codec,
/// where response parts are still NIOHTTP1's and may carry a FileRegion.
final class FileRegionInstaller: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny
    let handoff: FileRegionHandoff

    init(handoff: FileRegionHandoff) { self.handoff = handoff }

    func handlerAdded(context: ChannelHandlerContext) {
        do {
            let codec = try context.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self)
            try context.pipeline.syncOperations.addHandler(FileRegionSwapHandler(handoff: handoff), position: .before(codec))
        } catch {
            context.fireErrorCaught(error)
        }
    }
}

/// Replaces a body token with a FileRegion over the registered file; everything else passes unchanged.
///
/// For Hummingbird the response is over once the token is written, so a graceful shutdown (or
/// `Connection: close`) may close the channel while sendfile is still sending. A close that arrives while
/// regions are in flight is therefore held back until they complete, so responses are never cut short.
final class FileRegionSwapHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart
    let handoff: FileRegionHandoff
    private var regionsInFlight = 0
    private var heldClose = HeldClose()

    init(handoff: FileRegionHandoff) { self.handoff = handoff }

    /// A closed connection may have left a token in flight; look for such leftovers once they are stale.
    func channelInactive(context: ChannelHandlerContext) {
        let handoff = self.handoff
        context.eventLoop.scheduleTask(in: .nanoseconds(Int64(FileRegionHandoff.expiry.components.seconds) * 1_000_000_000 + 200_000_000)) {
            handoff.sweep()
        }
        context.fireChannelInactive()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard regionsInFlight > 0 else {
            context.close(mode: mode, promise: promise)
            return
        }
        heldClose.hold(mode: mode, promise: promise)
    }

    private func regionFinished(context: ChannelHandlerContext) {
        regionsInFlight -= 1
        if regionsInFlight == 0 { _ = heldClose.release(context: context) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .body(.byteBuffer(let buffer)) = unwrapOutboundIn(data), let pending = handoff.take(buffer) else {
            context.write(data, promise: promise)
            return
        }
        let copy = dup(pending.file.descriptor)
        guard copy >= 0 else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            context.close(promise: nil)
            return
        }
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: copy)
        let region = FileRegion(fileHandle: handle, readerIndex: pending.range.lowerBound, endIndex: pending.range.upperBound)
        let written = context.eventLoop.makePromise(of: Void.self)
        regionsInFlight += 1
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        written.futureResult.whenComplete { result in
            try? handle.close()
            bound.value.handler.regionFinished(context: bound.value.context)
            promise?.completeWith(result)
        }
        context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: written)
    }
}
