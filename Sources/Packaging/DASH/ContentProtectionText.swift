import MediaCore

/// DASH `ContentProtection` for an encrypted presentation (ISO/IEC 23009-1 §5.8.4.1, DASH-IF IOP §7):
/// the `mp4protection` descriptor with the scheme and `cenc:default_KID`, the W3C common PSSH, ClearKey
/// with its licence URL (`dashif:laurl`), and whatever a key server returned per DRM system.
extension Presentation {
    static let cencNamespace = "urn:mpeg:cenc:2013"
    static let dashifNamespace = "https://dashif.org/CPS"
    static let mp4ProtectionScheme = "urn:mpeg:dash:mp4protection:2011"
    static let clearKeyScheme = "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e"
    static let commonPSSHSystem = "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b"

    /// The protection when it is a DASH scheme (an HLS method is signalled in playlists only).
    var dashProtection: ManifestProtection? {
        guard let protection = request.protection, protection.dashScheme != nil else { return nil }
        return protection
    }

    /// The key period of the first segment of an AdaptationSet's range names the default KID; with key
    /// rotation every DASH Period holds one key period (`keyPeriods`), so that is the key of all of them.
    func appendContentProtection(firstNumber: Int, to out: inout String) {
        guard let protection = dashProtection, let scheme = protection.dashScheme else { return }
        let start = renditions.first?.segments.first { $0.number >= firstNumber }
        let timescale = Int(renditions.first?.rendition.timescale ?? 1)
        let period = start.map { protection.period(segment: $0.number, start: $0.start, timescale: timescale) } ?? protection.periods[0]
        out += "      <ContentProtection"
        out.attribute("schemeIdUri", Self.mp4ProtectionScheme)
        out.attribute("value", scheme)
        out.attribute("cenc:default_KID", period.kid)
        out += "/>\n"
        if let pssh = period.psshBase64[Self.commonPSSHSystem] {
            out += "      <ContentProtection"
            out.attribute("schemeIdUri", "urn:uuid:" + Self.commonPSSHSystem)
            out += ">\n        <cenc:pssh>" + XMLText.escaped(pssh) + "</cenc:pssh>\n      </ContentProtection>\n"
        }
        out += "      <ContentProtection"
        out.attribute("schemeIdUri", Self.clearKeyScheme)
        out.attribute("value", "ClearKey1.0")
        if let url = protection.clearKeyLicenceURL {
            out += ">\n        <dashif:laurl Lic_type=\"EME-1.0\">" + XMLText.escaped(url) + "</dashif:laurl>\n      </ContentProtection>\n"
        } else {
            out += "/>\n"
        }
        // Key-server systems: its ContentProtectionData as the element's content, else the PSSH alone.
        let systems = Set(period.psshBase64.keys).union(period.dashContentProtection.keys).subtracting([Self.commonPSSHSystem])
        for system in systems.sorted() {
            out += "      <ContentProtection"
            out.attribute("schemeIdUri", "urn:uuid:" + system)
            out += ">\n        "
            if let data = period.dashContentProtection[system] {
                out += data
            } else if let pssh = period.psshBase64[system] {
                out += "<cenc:pssh>" + XMLText.escaped(pssh) + "</cenc:pssh>"
            }
            out += "\n      </ContentProtection>\n"
        }
    }
}
