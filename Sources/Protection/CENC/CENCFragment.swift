import MP4

/// Encrypts the samples of a clear CMAF media segment: the MP4 target walks the fragments and writes
/// `senc`/`saiz`/`saio`; this hands each sample to its track's encryptor with its IV. cenc IVs count up
/// from `cencIVBase` across the segment's samples in decode order, so the bytes are the same every time.
public enum CENCFragment {
    /// `encryptors` by track id; `cencIVBase` is the 8-byte IV of the segment's first sample (cenc).
    public static func encrypt(_ clear: [UInt8], tracks: [ProtectedTrack], encryptors: [UInt32: SampleEncryptor],
                               cencIVBase: [UInt8]) throws -> [UInt8] {
        var counter: UInt64 = 0
        let protected = tracks.filter { encryptors[$0.trackID] != nil }.map(\.track)
        return try CENCInit.mp4 {
            try EncryptedMediaSegment.encrypt(clear, tracks: protected) { trackID, bytes, range in
                guard let encryptor = encryptors[trackID] else { throw ProtectionError.badSampleMap(reason: "no encryptor for track \(trackID)") }
                let iv = encryptor.scheme == .cenc ? IVDerivation.adding(counter, to: cencIVBase) : []
                counter += 1
                return try encryptor.encryptSample(&bytes, range: range, iv: iv)
            }
        }
    }
}
