import Foundation

/// The viewer's address from the header a CDN or proxy adds (`access.client_ip_header`): the first
/// address of a list (`X-Forwarded-For: viewer, proxy`), with the port taken off where one is sent, so
/// an IP-bound signed URL and the webhook see the bare address. CloudFront's `CloudFront-Viewer-Address`
/// always carries the viewer's port: `198.51.100.10:46532`, and IPv6 unbracketed, `2001:db8::1:46532`;
/// `[2001:db8::1]:46532` is taken too.
public enum ForwardedAddress {
    /// Headers whose value always ends in `:<port>`.
    public static func carriesPort(header name: String) -> Bool {
        name.lowercased() == "cloudfront-viewer-address"
    }

    /// Nil when the header holds no list item at all (then the connection's peer counts).
    public static func address(_ value: String, carriesPort: Bool = false) -> String? {
        guard let first = value.split(separator: ",").first?.trimmingCharacters(in: .whitespaces) else { return nil }
        if first.hasPrefix("["), let close = first.firstIndex(of: "]") {
            return String(first[first.index(after: first.startIndex)..<close])
        }
        guard let lastColon = first.lastIndex(of: ":") else { return first }
        let port = first[first.index(after: lastColon)...]
        let host = String(first[..<lastColon])
        let isPort = !port.isEmpty && port.utf8.count <= 5 && port.utf8.allSatisfy { (48...57).contains($0) }
        guard isPort else { return first }
        // One colon: IPv4 with a port. More: IPv6, whose port (if any) cannot be told from its last group
        // unless the header always has one or the whole is no address without it.
        if first.firstIndex(of: ":") == lastColon { return host }
        if carriesPort || (IPNetwork.parseAddress(first) == nil && IPNetwork.parseAddress(host) != nil) { return host }
        return first
    }
}
