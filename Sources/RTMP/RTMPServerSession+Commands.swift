/// The NetConnection / NetStream command flow of a publisher, with the replies OBS and ffmpeg wait for.
extension RTMPServerSession {
    mutating func handleCommand(_ values: [AMF0Value], streamID: UInt32) throws -> [Action] {
        guard let name = values.first?.stringValue else {
            throw LiveError.protocolViolation("a command message without a command name")
        }
        let transaction = values.count > 1 ? values[1].numberValue ?? 0 : 0
        let arguments = Array(values.dropFirst(3))
        if phase == .awaitingConnect, name != "connect" {
            throw LiveError.protocolViolation("'\(name)' before 'connect'")
        }
        switch name {
        case "connect":
            return try connect(transaction: transaction, commandObject: values.count > 2 ? values[2] : .null)
        case "releaseStream", "FCPublish":
            let key = arguments.first?.stringValue ?? ""
            var out = [RTMPControl.command([.string("_result"), .number(transaction), .null, .undefined])]
            if name == "FCPublish" {
                out.insert(RTMPControl.command([.string("onFCPublish"), .number(0), .null, .object([
                    AMF0Property("code", .string("NetStream.Publish.Start")),
                    AMF0Property("description", .string(key)),
                ])]), at: 0)
            }
            return [.send(out.flatMap { writer.encode($0) })]
        case "createStream":
            let reply = RTMPControl.command([.string("_result"), .number(transaction), .null,
                                             .number(Double(RTMPServerSession.publishStreamID))])
            return [.send(writer.encode(reply))]
        case "publish":
            return try publish(arguments: arguments)
        case "FCUnpublish", "deleteStream", "closeStream":
            guard phase == .publishing || phase == .publishPending else { return [] }
            phase = .connected
            return [.unpublished]
        case "play", "play2":
            phase = .closed
            let status = RTMPControl.onStatus(level: "error", code: "NetStream.Play.Failed",
                                              description: "this server only accepts publishers", streamID: streamID)
            return [.send(writer.encode(status)), .close(reason: "a client tried to play; only publishing is supported")]
        default:
            // _checkbw, getStreamLength, ping-style calls: nothing a publisher waits for.
            return []
        }
    }

    private mutating func connect(transaction: Double, commandObject: AMF0Value) throws -> [Action] {
        guard phase == .awaitingConnect else { throw LiveError.protocolViolation("a second 'connect'") }
        var app = commandObject["app"]?.stringValue ?? ""
        if let query = app.firstIndex(of: "?") { app = String(app[..<query]) }
        while app.hasSuffix("/") { app.removeLast() }
        guard app == settings.application else {
            phase = .closed
            let error = RTMPControl.command([.string("_error"), .number(transaction), .null, .object([
                AMF0Property("level", .string("error")),
                AMF0Property("code", .string("NetConnection.Connect.Rejected")),
                AMF0Property("description", .string("unknown application '\(app)'; publish to /\(settings.application)/<stream-key>")),
            ])])
            return [.send(writer.encode(error)), .close(reason: "unknown application '\(app)'")]
        }
        phase = .connected
        var out = writer.encode(RTMPControl.windowAcknowledgementSize(settings.windowAcknowledgementSize))
        out += writer.encode(RTMPControl.setPeerBandwidth(settings.windowAcknowledgementSize))
        out += writer.setChunkSize(settings.outgoingChunkSize)
        out += writer.encode(RTMPControl.command([
            .string("_result"), .number(transaction),
            .object([AMF0Property("fmsVer", .string("FMS/3,0,1,123")), AMF0Property("capabilities", .number(31))]),
            .object([
                AMF0Property("level", .string("status")),
                AMF0Property("code", .string("NetConnection.Connect.Success")),
                AMF0Property("description", .string("Connection succeeded.")),
                AMF0Property("objectEncoding", .number(0)),
            ]),
        ]))
        return [.send(out)]
    }

    private mutating func publish(arguments: [AMF0Value]) throws -> [Action] {
        guard phase == .connected else {
            throw LiveError.protocolViolation("'publish' while \(phase)")
        }
        guard var key = arguments.first?.stringValue, !key.isEmpty else {
            throw LiveError.protocolViolation("'publish' without a stream key")
        }
        if let query = key.firstIndex(of: "?") { key = String(key[..<query]) }
        streamKey = key
        phase = .publishPending
        return [.publishRequested(app: settings.application, streamKey: key)]
    }
}
