import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The last handler before Hummingbird on a plain HTTP/1 connection: a request `MediaFastPath` can answer
/// is answered here, on the event loop, and never reaches Hummingbird; every other request passes on
/// unchanged. It sits after Hummingbird's connection-state handler and before nothing that keeps its
/// own request state, so keep-alive, idle timeouts, the request gate's pipelining bound and back-pressure,
/// the write deadline and the sendfile swap all see its responses as they see Hummingbird's.
final class FastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let fastPath: MediaFastPath
    private let handoff: FileRegionHandoff
    private var remoteIP: String?
    /// The rest of a request answered here (its body and end) is dropped.
    private var swallowing = false
    private var date = ConnectionDate()

    init(fastPath: MediaFastPath, handoff: FileRegionHandoff) {
        self.fastPath = fastPath
        self.handoff = handoff
    }

    func handlerAdded(context: ChannelHandlerContext) {
        remoteIP = context.channel.remoteAddress?.ipAddress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            guard let answer = fastPath.answer(request, remoteIP: remoteIP, date: date.current()) else {
                context.fireChannelRead(data)
                return
            }
            swallowing = true
            // Written from a fresh event-loop task, not from inside this read: the request gate passes the
            // next pipelined request on as soon as this response is flushed, and answering that one inside
            // the flush's completion would nest one stack frame chain per pipelined request.
            context.eventLoop.assumeIsolated().execute {
                self.send(answer, context: context)
            }
        case .body:
            if !swallowing { context.fireChannelRead(data) }
        case .end:
            if swallowing {
                swallowing = false
            } else {
                context.fireChannelRead(data)
            }
        }
    }

    private func send(_ answer: MediaFastPath.Answer, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: answer.headers))), promise: nil)
        switch answer.body {
        case .none:
            break
        case .buffer(let buffer):
            context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        case .file(let file, let range):
            // The sendfile swap handler further out turns the token into a FileRegion over the open file.
            let token = handoff.token(for: file, range: range)
            context.write(wrapOutboundOut(.body(token)), promise: nil)
            handoff.handedOver(token)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
