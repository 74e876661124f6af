import Access
import HTTPTypes

/// The request headers the access decision reads whose names come from configuration (country, mobile
/// viewer, CDN secret, client address), made into `HTTPField.Name`s once per server rather than checked
/// and lower-cased again on every media request. A name that is not a valid header name is never sent.
struct ViewerHeaderNames: Sendable {
    let country: HTTPField.Name?
    let mobile: HTTPField.Name?
    let cdnSecret: HTTPField.Name?
    let clientIP: HTTPField.Name?
    /// `clientIP` always ends in `:<port>` (CloudFront-Viewer-Address).
    let clientIPCarriesPort: Bool
    /// One of them is also a header the manifest answer reads for itself (`FastManifestRequest`).
    let sharesAFixedName: Bool

    init(_ settings: AccessSettings) {
        country = HTTPField.Name(settings.geo.countryHeader)
        mobile = HTTPField.Name(settings.devices.mobileHeader)
        cdnSecret = settings.cdnSecret.flatMap { HTTPField.Name($0.name) }
        clientIP = settings.clientIPHeader.flatMap { HTTPField.Name($0) }
        clientIPCarriesPort = settings.clientIPHeader.map(ForwardedAddress.carriesPort(header:)) ?? false
        let fixed: Set<String> = ["origin", "accept-encoding", "if-none-match", "x-request-id", "authorization", "user-agent"]
        sharesAFixedName = [country, mobile, cdnSecret, clientIP].contains { $0.map { fixed.contains($0.canonicalName) } ?? false }
    }
}
