/// Per-slice buffers (masks, labels, window sums) are a few MB each. Above glibc's default mmap
/// threshold every one is a fresh mmap whose pages fault in on first touch and go back to the kernel on
/// free: about a tenth of the pixel pass went to page faults. Serving them from the heap lets freed
/// buffers be reused by the next slice. (The ctdose executable links jemalloc, which serves such
/// buffers from its own extents and ignores this; programs that use the library with glibc's malloc,
/// the test runner among them, still need it.)
enum AllocatorTuning {
    static let applied: Bool = {
        #if os(Linux)
        _ = glibcMallopt(glibcMmapThreshold, 64 << 20)
        _ = glibcMallopt(glibcTrimThreshold, 256 << 20)
        #endif
        return true
    }()

    static func apply() { _ = applied }
}

#if os(Linux)
// glibc <malloc.h>, which Swift's Glibc module does not export: int mallopt(int param, int value).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let glibcMmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in glibc <malloc.h>
private let glibcTrimThreshold: Int32 = -1  // M_TRIM_THRESHOLD in glibc <malloc.h>
#endif
