import Foundation
import MediaCore

/// CPIX XML text from a document. Elements a request asks for (PSSH, ContentProtectionData,
/// HLSSignalingData) are written empty when the document has no value for them.
public enum CPIXWriter {
    public static func xml(_ document: CPIXDocument) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<cpix:CPIX xmlns:cpix=\"\(CPIXDocument.namespace)\" xmlns:pskc=\"\(CPIXDocument.pskcNamespace)\""
        out += " contentId=\"\(escape(document.contentID))\" version=\"\(escape(document.version))\">\n"
        out += "  <cpix:ContentKeyList>\n"
        for key in document.contentKeys {
            var attributes = "kid=\"\(key.kid.uuidString)\" commonEncryptionScheme=\"\(escape(key.commonEncryptionScheme))\""
            if let iv = key.explicitIV { attributes += " explicitIV=\"\(Data(iv).base64EncodedString())\"" }
            if let value = key.value {
                out += "    <cpix:ContentKey \(attributes)>\n"
                out += "      <cpix:Data><pskc:Secret><pskc:PlainValue>\(Data(value).base64EncodedString())</pskc:PlainValue></pskc:Secret></cpix:Data>\n"
                out += "    </cpix:ContentKey>\n"
            } else {
                out += "    <cpix:ContentKey \(attributes)/>\n"
            }
        }
        out += "  </cpix:ContentKeyList>\n"
        out += "  <cpix:DRMSystemList>\n"
        for system in document.drmSystems {
            out += "    <cpix:DRMSystem kid=\"\(system.kid.uuidString)\" systemId=\"\(system.systemID.uuidString)\">\n"
            out += element("PSSH", system.pssh.map { Data($0).base64EncodedString() })
            out += element("ContentProtectionData", system.contentProtectionData.map(base64))
            out += element("HLSSignalingData", system.hlsSignalingMedia.map(base64), attributes: " playlist=\"media\"")
            out += element("HLSSignalingData", system.hlsSignalingMaster.map(base64), attributes: " playlist=\"master\"")
            out += "    </cpix:DRMSystem>\n"
        }
        out += "  </cpix:DRMSystemList>\n"
        if !document.periods.isEmpty {
            out += "  <cpix:ContentKeyPeriodList>\n"
            for period in document.periods {
                out += "    <cpix:ContentKeyPeriod id=\"\(escape(period.id))\" index=\"\(period.index)\"/>\n"
            }
            out += "  </cpix:ContentKeyPeriodList>\n"
        }
        out += "  <cpix:ContentKeyUsageRuleList>\n"
        for rule in document.usageRules {
            let attributes = "kid=\"\(rule.kid.uuidString)\" intendedTrackType=\"\(escape(rule.intendedTrackType))\""
            if let period = rule.periodID {
                out += "    <cpix:ContentKeyUsageRule \(attributes)>\n"
                out += "      <cpix:KeyPeriodFilter periodId=\"\(escape(period))\"/>\n"
                out += "    </cpix:ContentKeyUsageRule>\n"
            } else {
                out += "    <cpix:ContentKeyUsageRule \(attributes)/>\n"
            }
        }
        out += "  </cpix:ContentKeyUsageRuleList>\n"
        out += "</cpix:CPIX>\n"
        return out
    }

    private static func element(_ name: String, _ value: String?, attributes: String = "") -> String {
        if let value { return "      <cpix:\(name)\(attributes)>\(value)</cpix:\(name)>\n" }
        return "      <cpix:\(name)\(attributes)/>\n"
    }

    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func escape(_ text: String) -> String { XMLEscaping.escaped(text) }
}
