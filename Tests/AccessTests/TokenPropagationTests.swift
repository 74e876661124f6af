import Access
import Testing

@Suite struct TokenPropagationTests {
    let token = "exp=1800000000&sig=AbC-_1"

    @Test func everyHLSURIGetsTheToken() {
        let master = """
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="v1/audio-aac.m3u8"
            #EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud"
            v1/video-360p.m3u8?max_height=720

            """
        let out = TokenPropagation.hls(master, query: token)
        #expect(out.contains("URI=\"v1/audio-aac.m3u8?\(token)\""))
        #expect(out.contains("\nv1/video-360p.m3u8?max_height=720&\(token)\n"))
        #expect(out.hasSuffix("\n"))
        let media = """
            #EXTM3U
            #EXT-X-MAP:URI="video-360p/init.mp4"
            #EXT-X-KEY:METHOD=AES-128,URI="/keys/k1"
            #EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://license.example/k1"
            #EXTINF:6.0,
            video-360p/seg-1.m4s
            #EXT-X-ENDLIST
            """
        let rewritten = TokenPropagation.hls(media, query: token)
        #expect(rewritten.contains("#EXT-X-MAP:URI=\"video-360p/init.mp4?\(token)\""))
        #expect(rewritten.contains("URI=\"/keys/k1?\(token)\""))
        #expect(rewritten.contains("URI=\"skd://license.example/k1\""))
        #expect(rewritten.contains("\nvideo-360p/seg-1.m4s?\(token)\n"))
        #expect(rewritten.hasSuffix("#EXT-X-ENDLIST"))
    }

    @Test func dashTemplatesAndBaseURLGetTheTokenXMLEscaped() {
        let mpd = """
            <MPD><BaseURL>https://cdn.example/</BaseURL><Period><BaseURL>v1/</BaseURL>
            <SegmentTemplate timescale="90000" media="v1/video/seg-$Number$.m4s" initialization="v1/video/init.mp4" startNumber="1"/>
            <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-iso:2014" value="/time"/></Period></MPD>
            """
        let out = TokenPropagation.dash(mpd, query: token)
        #expect(out.contains("media=\"v1/video/seg-$Number$.m4s?exp=1800000000&amp;sig=AbC-_1\""))
        #expect(out.contains("initialization=\"v1/video/init.mp4?exp=1800000000&amp;sig=AbC-_1\""))
        #expect(out.contains("<BaseURL>v1/?exp=1800000000&amp;sig=AbC-_1</BaseURL>"))
        #expect(out.contains("<BaseURL>https://cdn.example/</BaseURL>"))
        #expect(out.contains("value=\"/time\""))
    }

    /// An encrypted item's MPD: the scheme the packager put on the templates stays first, the token
    /// follows it, and the ClearKey licence URL (element text after attributes) gets the token too.
    @Test func dashSchemeThenTokenAndTheClearKeyLicenceURL() {
        let mpd = """
            <MPD xmlns:dashif="https://dashif.org/CPS"><Period>
            <ContentProtection schemeIdUri="urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e" value="ClearKey1.0">
                    <dashif:laurl Lic_type="EME-1.0">/clearkey/license</dashif:laurl>
                  </ContentProtection>
            <SegmentTemplate media="v1/video/seg-$Number$.m4s?scheme=cenc" initialization="v1/video/init.mp4?scheme=cenc"/>
            </Period></MPD>
            """
        let out = TokenPropagation.dash(mpd, query: token)
        #expect(out.contains("media=\"v1/video/seg-$Number$.m4s?scheme=cenc&amp;exp=1800000000&amp;sig=AbC-_1\""))
        #expect(out.contains("initialization=\"v1/video/init.mp4?scheme=cenc&amp;exp=1800000000&amp;sig=AbC-_1\""))
        #expect(out.contains("<dashif:laurl Lic_type=\"EME-1.0\">/clearkey/license?exp=1800000000&amp;sig=AbC-_1</dashif:laurl>"))
    }
}
