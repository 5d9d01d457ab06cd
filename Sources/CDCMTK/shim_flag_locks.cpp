// DCMTK's global parser options read without their mutex.
//
// dcmdata keeps its options in OFGlobal<T> objects (dcmEnableAutomaticInputDataCorrection, ...) whose
// get() locks a mutex of the object's own, and its parser reads five of them for almost every element:
// about 800 lock/unlock pairs per CT file. With two reading threads every pair moves that mutex's
// cache line from one core to the other, which was most of the CPU that two jobs spent beyond one.
// ctdose never sets these options (DCMTK's defaults stand from load time on) and dcmdata's parser only
// reads them, so a read needs no lock. The OFMutex::lock / trylock / unlock below take the place of
// ofstd's (the executable's definitions interpose the shared libraries' references, as __assert_fail
// does in shim_assert.cpp): for a mutex that lies inside one of dcmdata's OFGlobal options they do
// nothing; every other mutex goes to ofstd's own functions.
#include "shim_internal.hpp"

#include "dcmtk/dcmdata/dcistrmz.h"
#include "dcmtk/dcmdata/dcostrmz.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>

namespace {

/// Whether `mutex` is the member of one of dcmdata's OFGlobal options (as declared in its headers).
bool guards_parser_option(const OFMutex *mutex) {
    const char *address = reinterpret_cast<const char *>(mutex);
    auto inside = [address](const auto &option) {
        const char *begin = reinterpret_cast<const char *>(&option);
        return address >= begin && address < begin + sizeof(option);
    };
    return inside(dcmEnableAutomaticInputDataCorrection) || inside(dcmPreferVRFromDataDictionary) ||
           inside(dcmPreferLengthFieldSizeFromDataDictionary) || inside(dcmStopParsingAfterElement) ||
           inside(dcmReadImplPrivAttribMaxLengthAsSQ) || inside(dcmAcceptOddAttributeLength) ||
           inside(dcmEnableCP246Support) || inside(dcmEnableOldSignatureFormat) || inside(dcmAutoDetectDatasetXfer) ||
           inside(dcmAcceptUnexpectedImplicitEncoding) || inside(dcmIgnoreParsingErrors) ||
           inside(dcmWriteOversizedSeqsAndItemsUndefined) || inside(dcmIgnoreFileMetaInformationGroupLength) ||
           inside(dcmReplaceWrongDelimitationItem) || inside(dcmConvertUndefinedLengthOBOWtoSQ) ||
           inside(dcmConvertVOILUTSequenceOWtoSQ) || inside(dcmUseExplLengthPixDataForEncTS) ||
           inside(dcmEnableVRCheckerForStringValues) || inside(dcmZlibCompressionLevel) ||
           inside(dcmZlibExpectRFC1950Encoding) || inside(dcmEnableUnknownVRGeneration) ||
           inside(dcmEnableUnlimitedTextVRGeneration) || inside(dcmEnableOtherFloatVRGeneration) ||
           inside(dcmEnableOtherDoubleVRGeneration) || inside(dcmEnableOtherLongVRGeneration) ||
           inside(dcmEnableUniversalResourceIdentifierOrLocatorVRGeneration) ||
           inside(dcmEnableUnlimitedCharactersVRGeneration) || inside(dcmEnableOther64bitVeryLongVRGeneration) ||
           inside(dcmEnableSigned64bitVeryLongVRGeneration) || inside(dcmEnableUnsigned64bitVeryLongVRGeneration) ||
           inside(dcmEnableUnknownVRConversion);
}

using MutexFunction = int (*)(OFMutex *);

/// ofstd's own OFMutex member `symbol`, found once (the next definition after this executable's).
MutexFunction ofstd_function(std::atomic<MutexFunction> &cache, const char *symbol) {
    MutexFunction function = cache.load(std::memory_order_acquire);
    if (function == nullptr) {
        function = reinterpret_cast<MutexFunction>(dlsym(RTLD_NEXT, symbol));
        if (function == nullptr) {  // no lock can be taken without it: stop with the reason, not a jump to 0
            std::fprintf(stderr, "ctdose: DCMTK's %s not found in its ofstd library\n", symbol);
            std::abort();
        }
        cache.store(function, std::memory_order_release);
    }
    return function;
}

std::atomic<MutexFunction> ofstd_lock{nullptr};
std::atomic<MutexFunction> ofstd_trylock{nullptr};
std::atomic<MutexFunction> ofstd_unlock{nullptr};

}  // namespace

int OFMutex::lock() {
    if (guards_parser_option(this)) return 0;
    return ofstd_function(ofstd_lock, "_ZN7OFMutex4lockEv")(this);
}

int OFMutex::trylock() {
    if (guards_parser_option(this)) return 0;
    return ofstd_function(ofstd_trylock, "_ZN7OFMutex7trylockEv")(this);
}

int OFMutex::unlock() {
    if (guards_parser_option(this)) return 0;
    return ofstd_function(ofstd_unlock, "_ZN7OFMutex6unlockEv")(this);
}
