import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a CPIX document (request or response) into `CPIXDocument`, checking what SPEKE v2 requires:
/// the CPIX namespace, `contentId` and `version`, a key id and scheme on every key, DRM systems and usage
/// rules that name listed keys, period filters that name listed periods. Unknown elements are ignored.
public enum CPIXParser {
    public static func parse(_ bytes: [UInt8]) throws -> CPIXDocument {
        let collector = Collector()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        guard parser.parse() else {
            if let error = collector.error { throw error }
            throw ProtectionError.cpixInvalid(reason: "not well-formed XML (\(parser.parserError.map { String(describing: $0) } ?? "parse failed"))")
        }
        if let error = collector.error { throw error }
        return try collector.document()
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var error: ProtectionError?
        var sawRoot = false
        var contentID: String?
        var version: String?
        var keys: [CPIXDocument.Key] = []
        var systems: [CPIXDocument.System] = []
        var periods: [CPIXDocument.Period] = []
        var rules: [CPIXDocument.UsageRule] = []
        var text = ""
        var playlist: String?

        func fail(_ reason: String, _ parser: XMLParser) {
            if error == nil { error = .cpixInvalid(reason: reason) }
            parser.abortParsing()
        }

        func kid(_ attributes: [String: String], _ element: String, _ parser: XMLParser) -> KeyID? {
            guard let text = attributes["kid"], let kid = KeyID(text) else {
                fail("\(element) has no kid attribute that is a UUID", parser)
                return nil
            }
            return kid
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            text = ""
            if !sawRoot {
                guard name == "CPIX", namespaceURI == CPIXDocument.namespace else {
                    return fail("the root element is not cpix:CPIX in namespace \(CPIXDocument.namespace)", parser)
                }
                sawRoot = true
                contentID = attributes["contentId"]
                version = attributes["version"]
                return
            }
            if namespaceURI == CPIXDocument.pskcNamespace { return }
            guard namespaceURI == CPIXDocument.namespace else { return }
            switch name {
            case "ContentKey":
                guard let kid = kid(attributes, name, parser) else { return }
                guard let scheme = attributes["commonEncryptionScheme"], !scheme.isEmpty else {
                    return fail("ContentKey \(kid) has no commonEncryptionScheme", parser)
                }
                var iv: [UInt8]?
                if let text = attributes["explicitIV"] {
                    guard let bytes = Data(base64Encoded: text), bytes.count == 16 else {
                        return fail("ContentKey \(kid) explicitIV is not 16 bytes of base64", parser)
                    }
                    iv = [UInt8](bytes)
                }
                keys.append(.init(kid: kid, commonEncryptionScheme: scheme, explicitIV: iv))
            case "DRMSystem":
                guard let kid = kid(attributes, name, parser) else { return }
                guard let systemText = attributes["systemId"], let system = KeyID(systemText) else {
                    return fail("DRMSystem for \(kid) has no systemId that is a UUID", parser)
                }
                systems.append(.init(kid: kid, systemID: system))
            case "HLSSignalingData":
                playlist = attributes["playlist"] ?? "media"
            case "ContentKeyPeriod":
                guard let id = attributes["id"], let indexText = attributes["index"], let index = Int(indexText) else {
                    return fail("ContentKeyPeriod needs an id and a numeric index", parser)
                }
                periods.append(.init(id: id, index: index))
            case "ContentKeyUsageRule":
                guard let kid = kid(attributes, name, parser) else { return }
                rules.append(.init(kid: kid, intendedTrackType: attributes["intendedTrackType"] ?? "ALL"))
            case "KeyPeriodFilter":
                guard !rules.isEmpty, let period = attributes["periodId"] else {
                    return fail("KeyPeriodFilter outside a usage rule or without periodId", parser)
                }
                rules[rules.count - 1].periodID = period
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            text = ""
            if namespaceURI == CPIXDocument.pskcNamespace, name == "PlainValue" {
                guard !keys.isEmpty, let bytes = Data(base64Encoded: value) else {
                    return fail("pskc:PlainValue is not base64 inside a ContentKey", parser)
                }
                keys[keys.count - 1].value = [UInt8](bytes)
                return
            }
            guard namespaceURI == CPIXDocument.namespace, !value.isEmpty else { return }
            switch name {
            case "PSSH":
                guard !systems.isEmpty, let bytes = Data(base64Encoded: value) else { return fail("PSSH is not base64", parser) }
                systems[systems.count - 1].pssh = [UInt8](bytes)
            case "ContentProtectionData":
                guard !systems.isEmpty, let bytes = Data(base64Encoded: value) else {
                    return fail("ContentProtectionData is not base64", parser)
                }
                systems[systems.count - 1].contentProtectionData = String(decoding: bytes, as: UTF8.self)
            case "HLSSignalingData":
                guard !systems.isEmpty, let bytes = Data(base64Encoded: value) else {
                    return fail("HLSSignalingData is not base64", parser)
                }
                let line = String(decoding: bytes, as: UTF8.self)
                if playlist == "master" { systems[systems.count - 1].hlsSignalingMaster = line } else { systems[systems.count - 1].hlsSignalingMedia = line }
            default:
                break
            }
        }

        func document() throws -> CPIXDocument {
            guard sawRoot else { throw ProtectionError.cpixInvalid(reason: "the document has no cpix:CPIX root") }
            guard let contentID, !contentID.isEmpty else { throw ProtectionError.cpixInvalid(reason: "Missing CPIX@contentId") }
            guard let version else { throw ProtectionError.cpixInvalid(reason: "Missing CPIX@version") }
            guard !keys.isEmpty else { throw ProtectionError.cpixInvalid(reason: "ContentKeyList has no ContentKey") }
            let kids = Set(keys.map(\.kid))
            guard kids.count == keys.count else { throw ProtectionError.cpixInvalid(reason: "a ContentKey kid is listed twice") }
            for system in systems where !kids.contains(system.kid) {
                throw ProtectionError.cpixInvalid(reason: "DRMSystem names kid \(system.kid), which is not in ContentKeyList")
            }
            let periodIDs = Set(periods.map(\.id))
            for rule in rules {
                guard kids.contains(rule.kid) else {
                    throw ProtectionError.cpixInvalid(reason: "ContentKeyUsageRule names kid \(rule.kid), which is not in ContentKeyList")
                }
                if let period = rule.periodID, !periodIDs.contains(period) {
                    throw ProtectionError.cpixInvalid(reason: "KeyPeriodFilter names period \(period), which is not in ContentKeyPeriodList")
                }
            }
            return CPIXDocument(contentID: contentID, version: version, contentKeys: keys, drmSystems: systems,
                                periods: periods, usageRules: rules)
        }
    }
}
