/// One `senc` subsample entry: `clearBytes` left as they are, then `protectedBytes` encrypted.
public struct Subsample: Hashable, Sendable {
    public var clearBytes: Int
    public var protectedBytes: Int

    public init(clearBytes: Int, protectedBytes: Int) {
        self.clearBytes = clearBytes
        self.protectedBytes = protectedBytes
    }
}

/// What `senc` records for one sample: its IV (empty with a constant IV) and its subsamples (nil when
/// the whole sample is protected).
public struct SampleEncryptionEntry: Hashable, Sendable {
    public var iv: [UInt8]
    public var subsamples: [Subsample]?

    public init(iv: [UInt8], subsamples: [Subsample]?) {
        self.iv = iv
        self.subsamples = subsamples
    }
}
