#if canImport(Glibc)
import Glibc
#endif

/// How the process's allocator treats the megabyte-sized blocks of a segment cut.
///
/// A cut holds a whole segment in memory for a moment (about 2 MB at 3 Mb/s and 6 s). glibc's malloc
/// raises its mmap threshold to the size of the first such block it frees; from then on segment buffers
/// come from the heap arena of whichever thread cut them and stay resident there once freed, a few
/// megabytes per thread that a stream's memory figure carries for good (`make bench-live` measured 7 MB
/// for one stream). A fixed threshold keeps blocks of 1 MiB and more in their own mappings, handed back
/// to the kernel when freed; smaller blocks (frames, playlists) are unaffected.
enum SegmentMemory {
    /// Applied once per process, by the first `LiveStreams`.
    static let configured: Void = {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not include: look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 1 << 20)
        #endif
    }()
}
