import Foundation
import Testing
import TestSupport
@testable import Origin
import Storage

/// `FastPathFront` reads requests from the raw bytes in front of NIO's decoder. On one connection it must
/// keep the order of answers when some requests are its own and some go the ordinary way, hand bodies and
/// whatever it does not read strictly to the decoder untouched, and still let the gate's rules apply.
/// (`FastPathTests` compare its answers with Hummingbird's header by header.)
@Suite("Fast path front", .serialized)
struct FastPathFrontTests {
    static func request(_ line: String, id: Int, _ headers: String = "") -> String {
        "\(line) HTTP/1.1\r\nHost: a\r\nX-Request-Id: pipeline-\(String(format: "%04d", id))\r\n\(headers)\r\n"
    }

    /// The request ids of the answers in `text`, in the order they came.
    static func answerIDs(_ text: String) -> [String] {
        lines(text).compactMap { line in
            line.lowercased().hasPrefix("x-request-id: ") ? String(line.dropFirst("x-request-id: ".count)) : nil
        }
    }

    /// Lines as split at LF (manifest bodies end in a bare LF, right before the next status line).
    static func lines(_ text: String) -> [String] {
        // By bytes: Swift's String takes CR LF as one Character, which splitting at "\n" would not find.
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line[...], as: UTF8.self)
        }
    }

    /// The status of every answer in `text` (a body need not end in a line break before the next answer).
    static func statuses(_ text: String) -> [Int] {
        text.components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
    }

    func withServer(_ body: @Sendable (Int, MediaFastPath) async throws -> Void) async throws {
        let data = try FastPathTests.dataDirectory()
        defer { data.remove() }
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: FastPathTests.index,
                             renderer: ListingText()) { port, server in
            let fastPath = try #require(server.fastPath)
            // Fill the caches (the first requests go through Hummingbird).
            for path in ["/vod/film/master.m3u8", "/vod/film/v1/v360.m3u8", "/vod/film/v1/v360/seg-1.m4s"] {
                #expect(try await fetch(port, path).status == 200)
            }
            try await body(port, fastPath)
        }
    }

    @Test("pipelined: answers in request order across the front and the ordinary path, bodies passed on intact")
    func pipelinedOrder() async throws {
        try await withServer { port, fastPath in
            let before = fastPath.answeredInFront.load(ordering: .relaxed)
            let burst = [
                Self.request("GET /vod/film/master.m3u8", id: 1),
                Self.request("HEAD /vod/film/v1/v360/seg-1.m4s", id: 2),
                Self.request("GET /healthz", id: 3),
                Self.request("GET /vod/film/v1/v360.m3u8", id: 4),
                Self.request("PUT /vod/film/v1/v360/seg-1.m4s", id: 5, "Content-Length: 5\r\n") + "GET /",
                Self.request("GET /vod/film/v1/v360/seg-1.m4s", id: 6, "Range: bytes=0-9\r\n"),
                Self.request("GET /vod/film/master.m3u8", id: 7, "Connection: close\r\n"),
            ].joined()
            let answer = try await offPool { try httpExchange(port: port, burst, receiveTimeout: 10) }
            #expect(Self.answerIDs(answer.text) == (1...7).map { "pipeline-000\($0)" }, "\(answer.text.prefix(600))")
            #expect(Self.statuses(answer.text) == [200, 200, 200, 200, 405, 206, 200])
            #expect(answer.closed, "Connection: close on the last request closes the connection after it")
            #expect(answer.text.lowercased().contains("content-range: bytes 0-9/\(FastPathTests.video.count)"))
            // The two before the first ordinary request are the front's.
            #expect(fastPath.answeredInFront.load(ordering: .relaxed) - before >= 2)

            // Once the ordinary path's answers are out, the front answers again on the same connection.
            let socket = try LoopbackSocket(port: port, receiveTimeout: 10)
            defer { socket.close() }
            socket.send(Self.request("GET /healthz", id: 8))
            #expect(!socket.read(atLeast: 12).isEmpty)
            let frontBefore = fastPath.answeredInFront.load(ordering: .relaxed)
            socket.send(Self.request("GET /vod/film/master.m3u8", id: 9))
            #expect(await eventually(timeout: .seconds(5)) { fastPath.answeredInFront.load(ordering: .relaxed) == frontBefore + 1 })
        }
    }

    @Test("what the front does not read strictly goes to the decoder and the gate, which answer as before")
    func unusualRequestsKeepTheirAnswers() async throws {
        try await withServer { port, fastPath in
            func exchange(_ text: String) async throws -> (status: Int, text: String, closed: Bool) {
                try await offPool { try httpExchange(port: port, text, receiveTimeout: 5) }
            }
            let before = fastPath.answeredInFront.load(ordering: .relaxed)
            // An answer from the front, then garbage: 200, then the decoder's 400 and the connection closes.
            let garbage = try await exchange(Self.request("GET /vod/film/master.m3u8", id: 1) + "NOT HTTP AT ALL\r\n\r\n")
            #expect(Self.statuses(garbage.text) == [200, 400] && garbage.closed)
            // HTTP/1.1 without Host, two Hosts, HTTP/1.0: the gate's rules, even on media paths.
            #expect(try await exchange("GET /vod/film/master.m3u8 HTTP/1.1\r\n\r\n").status == 400)
            #expect(try await exchange("GET /vod/film/master.m3u8 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status == 400)
            let http10 = try await exchange("GET /vod/film/master.m3u8 HTTP/1.0\r\n\r\n")
            #expect(http10.text.hasPrefix("HTTP/1.0 200") && http10.closed)
            // Bare LF line ends and a transfer coding are the decoder's and gate's to judge.
            let bareLF = try await exchange("GET /vod/film/master.m3u8 HTTP/1.1\nHost: a\nConnection: close\n\n")
            #expect(bareLF.status == 200 || bareLF.status == 400)
            let coding = try await exchange("GET /vod/film/master.m3u8 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n")
            #expect(coding.status == 501 && coding.closed)
            // A path the guard refuses is refused as before (400), not looked up.
            #expect(try await exchange("GET /vod/film/../film/master.m3u8 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status == 400)
            #expect(fastPath.answeredInFront.load(ordering: .relaxed) - before == 1)
        }
    }

    @Test("a segment larger than the write buffer from the front, then requests of the ordinary path: all answered whole, in order")
    func ordinaryAnswersAfterAFrontSegmentThatFilledTheBuffer() async throws {
        try await withServer { port, fastPath in
            let before = fastPath.answeredInFront.load(ordering: .relaxed)
            // The front's 150 KB answer leaves the channel unwritable while it goes out; the front keeps that
            // flip from the handlers behind and must tell them the state when it passes a request on, or
            // Hummingbird's writer (a file answer waits for writability) would never write.
            let segment = "/vod/film/v1/v360/seg-1.m4s"
            let burst = [
                Self.request("GET \(segment)", id: 1),
                Self.request("GET /healthz", id: 2),
                Self.request("GET \(segment)", id: 3),
                Self.request("GET /vod/film/v1/v360/init.mp4", id: 4),
                Self.request("GET \(segment)", id: 5, "Connection: close\r\n"),
            ].joined()
            let bytes = try await offPool { () throws -> [UInt8] in
                let socket = try LoopbackSocket(port: port, receiveTimeout: 10)
                defer { socket.close() }
                socket.send(burst)
                return socket.readUntilClosed().bytes
            }
            let answers = Self.answers(in: bytes)
            #expect(answers.map(\.status) == [200, 200, 200, 200, 200], "\(answers.map(\.head))")
            #expect(answers.map(\.id) == (1...5).map { "pipeline-000\($0)" })
            for index in [0, 2, 4] where index < answers.count {
                #expect(answers[index].body == FastPathTests.video, "answer \(index + 1): \(answers[index].body.count) bytes")
            }
            if answers.count > 3 { #expect(answers[3].body == FastPathTests.initBytes) }
            #expect(fastPath.answeredInFront.load(ordering: .relaxed) - before >= 1)
        }
    }

    @Test("answers the socket takes only in part (a reader that waits) finish through NIO: whole, in order, around the ordinary path's")
    func directWritesThatFillTheSocketFinishThroughNIO() async throws {
        try await withServer { port, fastPath in
            let master = try await fetch(port, "/vod/film/master.m3u8").body
            let playlist = try await fetch(port, "/vod/film/v1/v360.m3u8").body
            let direct = fastPath.writtenDirectly.load(ordering: .relaxed)
            #expect(direct > 0, "an answer to a lone request on an idle connection goes out whole from the direct write")
            let rest = fastPath.finishedThroughNIO.load(ordering: .relaxed)
            // 120 pipelined requests, about 6 MB of answers, to a client with a 4 KB receive buffer that reads
            // nothing until the server had to leave an answer to NIO: the socket takes the first answers
            // whole (on loopback the kernel queues up to tcp_wmem's 4 MB), one in part, and the rest wait in
            // NIO's buffer; a request of the ordinary path follows them, and answers of the front follow it.
            let paths = ["/vod/film/v1/v360/seg-1.m4s", "/vod/film/master.m3u8", "/vod/film/v1/v360.m3u8"]
            var burst = (1...119).map { Self.request("GET \(paths[$0 % 3])", id: $0) }
            burst.insert(Self.request("GET /healthz", id: 0), at: 110)
            burst[burst.count - 1] = Self.request("GET \(paths[119 % 3])", id: 119, "Connection: close\r\n")
            let socket = try LoopbackSocket(port: port, receiveTimeout: 10, receiveBuffer: 4096)
            defer { socket.close() }
            socket.send(burst.joined())
            #expect(await eventually(timeout: .seconds(10)) { fastPath.finishedThroughNIO.load(ordering: .relaxed) > rest })
            let bytes = try await offPool { socket.readUntilClosed().bytes }
            let answers = Self.answers(in: bytes)
            let expectedIDs = Array(1...110) + [0] + Array(111...119)
            #expect(answers.map(\.id) == expectedIDs.map { "pipeline-" + String(format: "%04d", $0) })
            #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.map(\.head).prefix(3))")
            for answer in answers {
                guard let id = Int(answer.id.dropFirst("pipeline-".count)), id > 0 else { continue }
                let expected = [FastPathTests.video, Array(master), Array(playlist)][id % 3]
                #expect(answer.body == expected, "\(answer.id): \(answer.body.count) bytes, expected \(expected.count)")
            }
            #expect(fastPath.writtenDirectly.load(ordering: .relaxed) > direct)
        }
    }

    /// The answers in `bytes` by their Content-Length: status, request id, head text and body.
    static func answers(in bytes: [UInt8]) -> [(status: Int, id: String, head: String, body: [UInt8])] {
        var answers: [(status: Int, id: String, head: String, body: [UInt8])] = []
        var offset = 0
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while offset < bytes.count {
            guard let headEnd = (offset...(bytes.count - end.count)).first(where: { bytes[$0..<($0 + 4)].elementsEqual(end) }) else { break }
            let head = String(decoding: bytes[offset..<headEnd], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            func field(_ name: String) -> String? {
                lines.first { $0.lowercased().hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
            }
            let length = Int(field("content-length") ?? "0") ?? 0
            let bodyStart = headEnd + 4
            guard bodyStart + length <= bytes.count else { break }
            answers.append((Int(lines[0].split(separator: " ")[1]) ?? 0, field("x-request-id") ?? "", head,
                            Array(bytes[bodyStart..<(bodyStart + length)])))
            offset = bodyStart + length
        }
        return answers
    }
}
