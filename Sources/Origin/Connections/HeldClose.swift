import NIOCore

/// A close that a handler keeps back while its writes are still going out (a FileRegion to a slow reader):
/// the first close is kept with its promise; later ones complete with it.
struct HeldClose {
    private var held: (mode: CloseMode, promise: EventLoopPromise<Void>?)?

    mutating func hold(mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if let held {
            if let promise { held.promise?.futureResult.cascade(to: promise) ?? promise.succeed() }
        } else {
            held = (mode, promise)
        }
    }

    /// Closes now if a close was held; true when it did.
    mutating func release(context: ChannelHandlerContext) -> Bool {
        guard let close = held else { return false }
        held = nil
        context.close(mode: close.mode, promise: close.promise)
        return true
    }
}
