import Foundation
import Testing
@testable import S3

/// AWS's published Signature V4 test suite (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1,
/// service "service"): the canonical request, string to sign and signature of each case. Only cases
/// whose meaning is the same for S3 (which neither normalises nor double-encodes paths) are here.
@Suite struct SigV4VectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var path: String
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var payloadHash = SigV4Signer.emptyPayloadHash
        var canonicalRequest: [String]
        var stringToSignHash: String
        var signature: String
        var testDescription: String { name }
    }

    static let host = (name: "Host", value: "example.amazonaws.com")
    static let date = (name: "X-Amz-Date", value: "20150830T123600Z")
    static let bareHeaders = ["host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date"]

    static let vectors: [Vector] = [
        Vector(name: "get-vanilla", method: "GET", path: "/", headers: [host, date],
               canonicalRequest: ["GET", "/", ""] + bareHeaders,
               stringToSignHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
               signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(name: "get-vanilla-query-order-key-case", method: "GET", path: "/",
               query: [("Param2", "value2"), ("Param1", "value1")], headers: [host, date],
               canonicalRequest: ["GET", "/", "Param1=value1&Param2=value2"] + bareHeaders,
               stringToSignHash: "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
               signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(name: "get-vanilla-query-unreserved", method: "GET", path: "/",
               query: [(unreserved, unreserved)], headers: [host, date],
               canonicalRequest: ["GET", "/", "\(unreserved)=\(unreserved)"] + bareHeaders,
               stringToSignHash: "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
               signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        Vector(name: "get-vanilla-utf8-query", method: "GET", path: "/", query: [("\u{1234}", "bar")], headers: [host, date],
               canonicalRequest: ["GET", "/", "%E1%88%B4=bar"] + bareHeaders,
               stringToSignHash: "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
               signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        Vector(name: "get-header-key-duplicate", method: "GET", path: "/",
               headers: [host, ("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1"), date],
               canonicalRequest: ["GET", "/", "", "host:example.amazonaws.com", "my-header1:value2,value2,value1",
                                  "x-amz-date:20150830T123600Z", "", "host;my-header1;x-amz-date"],
               stringToSignHash: "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
               signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        Vector(name: "get-header-value-trim", method: "GET", path: "/",
               headers: [host, ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), date],
               canonicalRequest: ["GET", "/", "", "host:example.amazonaws.com", "my-header1:value1", "my-header2:\"a b c\"",
                                  "x-amz-date:20150830T123600Z", "", "host;my-header1;my-header2;x-amz-date"],
               stringToSignHash: "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
               signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Vector(name: "get-unreserved", method: "GET", path: "/" + unreserved, headers: [host, date],
               canonicalRequest: ["GET", "/" + unreserved, ""] + bareHeaders,
               stringToSignHash: "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
               signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        Vector(name: "get-utf8", method: "GET", path: "/\u{1234}", headers: [host, date],
               canonicalRequest: ["GET", "/%E1%88%B4", ""] + bareHeaders,
               stringToSignHash: "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
               signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        Vector(name: "get-space-unnormalized", method: "GET", path: "/example space/", headers: [host, date],
               canonicalRequest: ["GET", "/example%20space/", ""] + bareHeaders,
               stringToSignHash: "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
               signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        Vector(name: "get-slashes-unnormalized", method: "GET", path: "//example//", headers: [host, date],
               canonicalRequest: ["GET", "//example//", ""] + bareHeaders,
               stringToSignHash: "528ec3105ee1f34ab014bb0a1a45da0ed2742a4fea3555149e5b4d5d201eb240",
               signature: "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5"),
        Vector(name: "post-vanilla-query", method: "POST", path: "/", query: [("Param1", "value1")], headers: [host, date],
               canonicalRequest: ["POST", "/", "Param1=value1"] + bareHeaders,
               stringToSignHash: "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
               signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        Vector(name: "post-header-key-sort", method: "POST", path: "/", headers: [host, ("My-Header1", "value1"), date],
               canonicalRequest: ["POST", "/", "", "host:example.amazonaws.com", "my-header1:value1",
                                  "x-amz-date:20150830T123600Z", "", "host;my-header1;x-amz-date"],
               stringToSignHash: "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
               signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        Vector(name: "post-x-www-form-urlencoded", method: "POST", path: "/",
               headers: [("Content-Type", "application/x-www-form-urlencoded"), host, ("Content-Length", "13"), date,
                         ("X-Amz-Content-Sha256", formHash)],
               payloadHash: formHash,
               canonicalRequest: ["POST", "/", "", "content-length:13", "content-type:application/x-www-form-urlencoded",
                                  "host:example.amazonaws.com", "x-amz-content-sha256:\(formHash)",
                                  "x-amz-date:20150830T123600Z", "",
                                  "content-length;content-type;host;x-amz-content-sha256;x-amz-date"],
               stringToSignHash: "b1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb",
               signature: "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"),
    ]
    static let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    /// SHA-256 of the suite's form body `Param1=value1`.
    static let formHash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"

    let signer = SigV4Signer(credentials: S3Credentials(accessKeyID: "AKIDEXAMPLE",
                                                        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                             region: "us-east-1", service: "service")

    @Test(arguments: vectors)
    func matchesTheSuite(_ vector: Vector) {
        let request = SigV4Signer.Request(method: vector.method, path: vector.path, query: vector.query,
                                          headers: vector.headers, payloadHash: vector.payloadHash)
        let canonical = signer.canonicalRequest(request)
        #expect(canonical == (vector.canonicalRequest + [vector.payloadHash]).joined(separator: "\n"))
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, amzDate: "20150830T123600Z")
        #expect(stringToSign == ["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request",
                                 vector.stringToSignHash].joined(separator: "\n"))
        #expect(signer.signature(stringToSign: stringToSign, amzDate: "20150830T123600Z") == vector.signature)
        let signed = vector.canonicalRequest.last!
        #expect(signer.authorization(request, amzDate: "20150830T123600Z")
            == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(signed), Signature=\(vector.signature)")
    }

    /// The suite's form body hashes to the payload hash its vectors sign.
    @Test func payloadHashOfTheFormBody() {
        #expect(SigV4Signer.hexSHA256(Data("Param1=value1".utf8)) == Self.formHash)
        #expect(SigV4Signer.hexSHA256(Data()) == SigV4Signer.emptyPayloadHash)
    }

    /// The S3 developer guide's worked example: GET /test.txt with a Range header (examplebucket,
    /// AKIAIOSFODNN7EXAMPLE, 2013-05-24).
    @Test func s3GuideGetObjectWithRange() {
        let s3 = SigV4Signer(credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                             region: "us-east-1")
        let request = SigV4Signer.Request(
            method: "GET", path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                      ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z")],
            payloadHash: SigV4Signer.emptyPayloadHash)
        let stringToSign = s3.stringToSign(canonicalRequest: s3.canonicalRequest(request), amzDate: "20130524T000000Z")
        #expect(stringToSign.hasSuffix("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
        #expect(s3.authorization(request, amzDate: "20130524T000000Z")
            == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func amzDateIsUTC() {
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 1_440_938_160)) == "20150830T123600Z")
    }

    @Test func retryWaitsStayUnderTheCap() {
        let policy = RetryPolicy(attempts: 5, baseMilliseconds: 100, capMilliseconds: 1_000)
        var generator = SystemRandomNumberGenerator()
        for retry in 1...10 {
            let wait = policy.delayMilliseconds(retry: retry, using: &generator)
            #expect(wait >= 0 && wait <= min(1_000, 100 << retry))
        }
        #expect(RetryPolicy.isRetryable(status: 503) && RetryPolicy.isRetryable(status: 429))
        #expect(!RetryPolicy.isRetryable(status: 403) && !RetryPolicy.isRetryable(status: 404))
    }
}
