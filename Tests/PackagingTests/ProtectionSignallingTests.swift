import MediaCore
import Testing
@testable import Packaging

/// How manifests signal encryption (issue 13): EXT-X-KEY per segment with rotation at the key period
/// boundary, SAMPLE-AES once per period, scheme on every URL, and MPD ContentProtection that validates.
@Suite struct ProtectionSignallingTests {
    let periods = [
        ManifestProtection.Period(index: 0, kid: "00000000-0000-4000-8000-000000000000", keyURI: "/keys/00"),
        ManifestProtection.Period(index: 1, kid: "11111111-1111-4111-8111-111111111111", keyURI: "/keys/11",
                                  hlsKeyLines: [#"#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://11",KEYFORMAT="com.apple.streamingkeydelivery""#],
                                  dashContentProtection: ["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed": "<cenc:pssh>AAAA</cenc:pssh>"]),
    ]
    let ivs = ManifestProtection.SegmentIVs(rule: "test") { period, _, segment in "\(period.index)" + String(repeating: "0", count: 30) + "\(segment % 10)" }

    func request(_ protection: ManifestProtection) -> ManifestRequest {
        var request = ManifestRequest(renditions: Synthetic.live(firstNumber: 1, count: 8), kind: .liveSlidingWindow, dvrWindow: 3600,
                                      hlsLiveSegmentCount: nil, now: Synthetic.ast + 48, availabilityStartTime: Synthetic.ast)
        request.protection = protection
        return request
    }

    @Test func aes128KeysEverySegmentAndRotatesAtThePeriodBoundary() throws {
        // 6 s segments, 24 s key periods: segments 1-4 use key 0, 5-8 key 1.
        let protection = ManifestProtection(hlsMethod: .aes128, periods: periods, rotationSeconds: 24, urlQuery: "scheme=aes-128", ivs: ivs)
        let presentation = try Presentation(request(protection))
        let video = try #require(presentation.renditions.first { $0.rendition.kind == .video })
        let text = try presentation.hlsMediaPlaylist(for: video.rendition.id)
        let lines = text.split(separator: "\n").map(String.init)
        let keys = lines.filter { $0.hasPrefix("#EXT-X-KEY") }
        #expect(keys.count == 8)
        #expect(keys.prefix(4).allSatisfy { $0.contains(#"URI="/keys/00""#) })
        #expect(keys.suffix(4).allSatisfy { $0.contains(#"URI="/keys/11""#) && $0.contains("IV=0x1") })
        #expect(lines.filter { $0.hasPrefix("seg-") }.allSatisfy { $0.hasSuffix(".m4s?scheme=aes-128") })
        #expect(text.contains(#"#EXT-X-MAP:URI="\#(video.rendition.id.rawValue)/init.mp4?scheme=aes-128""#) || text.contains("init.mp4?scheme=aes-128"))
        #expect(try #require(text.range(of: "#EXT-X-MAP")).lowerBound < (try #require(text.range(of: "#EXT-X-KEY"))).lowerBound)
        #expect(presentation.hlsMultivariantPlaylist().contains(".m3u8?scheme=aes-128"))
    }

    @Test func sampleAESWritesOneTagPerPeriodWithTheKeyServersLines() throws {
        let protection = ManifestProtection(hlsMethod: .sampleAES, periods: periods, rotationSeconds: 24, urlQuery: "scheme=sample-aes")
        let presentation = try Presentation(request(protection))
        let video = try #require(presentation.renditions.first { $0.rendition.kind == .video })
        let text = try presentation.hlsMediaPlaylist(for: video.rendition.id)
        let lines = text.split(separator: "\n").map(String.init)
        let keys = lines.filter { $0.hasPrefix("#EXT-X-KEY") }
        #expect(keys.count == 3)
        #expect(keys[0].contains("METHOD=SAMPLE-AES") && keys[0].contains(#"KEYFORMAT="identity""#))
        #expect(keys[2].contains("com.apple.streamingkeydelivery"))
        // Each key period's segments follow the init of that period (its tenc names that period's key id):
        // segments 1-4 after the period-0 init, 5-8 after the period-1 init.
        let maps = lines.enumerated().filter { $0.element.hasPrefix("#EXT-X-MAP") }
        #expect(maps.map(\.element) == ["#EXT-X-MAP:URI=\"\(video.rendition.id.rawValue)/init.mp4?scheme=sample-aes&keyperiod=0\"",
                                         "#EXT-X-MAP:URI=\"\(video.rendition.id.rawValue)/init.mp4?scheme=sample-aes&keyperiod=1\""], "\(text)")
        let fifth = try #require(lines.firstIndex { $0.hasPrefix("\(video.rendition.id.rawValue)/seg-5.m4s") || $0.hasPrefix("seg-5.m4s") })
        let fourth = try #require(lines.firstIndex { $0.hasPrefix("\(video.rendition.id.rawValue)/seg-4.m4s") || $0.hasPrefix("seg-4.m4s") })
        #expect(maps.count == 2 && maps[1].offset > fourth && maps[1].offset < fifth)
    }

    @Test func mpdContentProtectionValidates() throws {
        for scheme in ["cenc", "cbcs"] {
            var withPSSH = periods
            withPSSH[0].psshBase64 = ["1077efec-c0b2-4d02-ace3-3c1e52e2fb4b": "AAAAAA=="]
            let protection = ManifestProtection(dashScheme: scheme, periods: withPSSH, urlQuery: "scheme=\(scheme)",
                                                clearKeyLicenceURL: "/clearkey/license?a=1&b=2")
            let mpd = try Presentation(request(protection)).dashMPD()
            #expect(mpd.contains(#"value="\#(scheme)" cenc:default_KID="00000000-0000-4000-8000-000000000000""#))
            #expect(mpd.contains("/clearkey/license?a=1&amp;b=2"))
            #expect(mpd.contains("seg-$Number$.m4s?scheme=\(scheme)"))
            try MPDSchema.validate(mpd, label: "protected \(scheme)")
        }
    }
}
