// Two of dcmdata's per-element look-ups, remembered instead of repeated.
//
// For every element it parses, dcmdata turns the two VR characters into a DcmEVR with DcmVR::setVR,
// a linear strncmp search of its ~50 VR names (about 670 instructions, 6 % of a header scan's
// per-file instructions), and builds a few DcmXfer objects from the transfer syntax, each a linear
// search of its transfer syntax table (about 160 instructions). Both results depend on nothing but
// their argument: setVR on the first two characters (strncmp compares two, and the unknown-VR rule
// reads the second only when the first is not NUL), DcmXfer on the enum value. The definitions below
// take the place of dcmdata's (the executable's definitions interpose the library's calls, which go
// through its PLT, as in shim_flag_locks.cpp): the first call for a given argument goes to dcmdata's
// own function and its answer is kept, every later one copies the kept answer.
#include "shim_internal.hpp"

#include "dcmtk/dcmdata/dcvr.h"
#include "dcmtk/dcmdata/dcxfer.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

using SetVRFunction = void (*)(DcmVR *, const char *);

SetVRFunction dcmdata_set_vr() {
    static const SetVRFunction function =
        reinterpret_cast<SetVRFunction>(cdcm::dcmtk_definition("_ZN5DcmVR5setVREPKc", "dcmdata"));
    return function;
}

/// dcmdata's answer for each pair of VR characters, as DcmEVR + 1; 0 while not asked yet. Every thread
/// that asks first stores the same value, so relaxed atomics suffice.
std::atomic<std::uint8_t> vr_by_characters[1 << 16];
static_assert(EVR_UNKNOWN2B + 1 < 256, "every DcmEVR + 1 must fit the table's bytes");

using XferConstructor = void (*)(DcmXfer *, E_TransferSyntax);

/// dcmdata's DcmXfer for each transfer syntax from EXS_Unknown (-1) on, each made once by its own constructor.
class XferPrototypes {
public:
    static constexpr int count = 64;  // E_TransferSyntax runs from -1 to 41 in DCMTK 3.6.7

    const XferConstructor construct =
        reinterpret_cast<XferConstructor>(cdcm::dcmtk_definition("_ZN7DcmXferC1E16E_TransferSyntax", "dcmdata"));

    XferPrototypes() {
        for (int index = 0; index < count; ++index) construct(slot(index), static_cast<E_TransferSyntax>(index - 1));
    }

    /// The DcmXfer of `syntax`, or null when it lies outside the kept range.
    const DcmXfer *of(E_TransferSyntax syntax) const {
        const int index = static_cast<int>(syntax) + 1;
        return index >= 0 && index < count ? slot(index) : nullptr;
    }

private:
    alignas(DcmXfer) unsigned char storage[count][sizeof(DcmXfer)];

    DcmXfer *slot(int index) const { return reinterpret_cast<DcmXfer *>(const_cast<unsigned char *>(storage[index])); }
};

const XferPrototypes &xfer_prototypes() {
    static const XferPrototypes prototypes;  // made once, thread-safe (C++ static initialisation)
    return prototypes;
}

}  // namespace

void DcmVR::setVR(const char *vrName) {
    if (vrName == nullptr) {
        dcmdata_set_vr()(this, vrName);
        return;
    }
    const unsigned char first = static_cast<unsigned char>(vrName[0]);
    const unsigned char second = first != 0 ? static_cast<unsigned char>(vrName[1]) : 0;
    std::atomic<std::uint8_t> &known = vr_by_characters[first << 8 | second];
    const std::uint8_t kept = known.load(std::memory_order_relaxed);
    if (kept != 0) {
        vr = static_cast<DcmEVR>(kept - 1);
        return;
    }
    dcmdata_set_vr()(this, vrName);
    known.store(static_cast<std::uint8_t>(vr + 1), std::memory_order_relaxed);
}

DcmXfer::DcmXfer(E_TransferSyntax xfer) {
    const XferPrototypes &prototypes = xfer_prototypes();
    if (const DcmXfer *prototype = prototypes.of(xfer)) {
        // Its members are enums, flags and pointers to static names (no vtable, nothing owned): a byte
        // copy is what dcmdata's copy assignment does, without the call.
        std::memcpy(static_cast<void *>(this), prototype, sizeof(DcmXfer));
    } else {
        prototypes.construct(this, xfer);
    }
}

int cdcm_check_parser_lookups(char *message, size_t capacity) {
    // setVR: the kept answer for two characters must be dcmdata's for any third character, and for a
    // NUL first character whatever follows it. Every pair is asked twice: once to fill the table (the
    // first ask of a pair goes to dcmdata), once more with different trailing bytes.
    const char trailing[] = {'\0', 'Q', '\x7f'};
    for (unsigned pair = 0; pair < (1u << 16); ++pair) {
        for (char third : trailing) {
            const char name[3] = {static_cast<char>(pair >> 8), static_cast<char>(pair & 0xff), third};
            DcmVR kept;
            kept.setVR(name);
            DcmVR own;
            dcmdata_set_vr()(&own, name);
            if (kept.getEVR() != own.getEVR()) {
                std::snprintf(message, capacity, "VR characters %02x %02x %02x: kept %d, dcmdata %d", pair >> 8,
                              pair & 0xff, static_cast<unsigned char>(third), kept.getEVR(), own.getEVR());
                return 1;
            }
        }
    }
    // DcmXfer: every field of the copied prototype must be what dcmdata's constructor gives.
    const XferPrototypes &prototypes = xfer_prototypes();
    for (int value = -1; value < XferPrototypes::count + 8; ++value) {
        const E_TransferSyntax syntax = static_cast<E_TransferSyntax>(value);
        const DcmXfer kept(syntax);
        alignas(DcmXfer) unsigned char bytes[sizeof(DcmXfer)] = {};  // zeroed padding, as in the prototypes
        prototypes.construct(reinterpret_cast<DcmXfer *>(bytes), syntax);
        const DcmXfer &own = *reinterpret_cast<const DcmXfer *>(bytes);
        const bool same = kept.getXfer() == own.getXfer() && kept.getXferID() == own.getXferID() &&
                          kept.getXferName() == own.getXferName() && kept.getByteOrder() == own.getByteOrder() &&
                          kept.getPixelDataByteOrder() == own.getPixelDataByteOrder() &&
                          kept.isExplicitVR() == own.isExplicitVR() && kept.isEncapsulated() == own.isEncapsulated() &&
                          kept.getJPEGProcess8Bit() == own.getJPEGProcess8Bit() &&
                          kept.getJPEGProcess12Bit() == own.getJPEGProcess12Bit() && kept.isLossy() == own.isLossy() &&
                          kept.isRetired() == own.isRetired() &&
                          kept.getStreamCompression() == own.getStreamCompression() &&
                          kept.isReferenced() == own.isReferenced() &&
                          std::memcmp(&kept, &own, sizeof(DcmXfer)) == 0;
        if (!same) {
            std::snprintf(message, capacity, "transfer syntax %d: kept DcmXfer differs from dcmdata's", value);
            return 1;
        }
    }
    if (capacity > 0) message[0] = '\0';
    return 0;
}
