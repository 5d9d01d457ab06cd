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
#include <cstddef>

namespace {

/// Where one of dcmdata's OFGlobal options lies in memory.
struct OptionBytes {
    const char *begin;
    const char *end;
};

template <typename Option> OptionBytes bytes_of(const Option &option) {
    const char *begin = reinterpret_cast<const char *>(&option);
    return {begin, begin + sizeof(option)};
}

/// dcmdata's OFGlobal options (as declared in its headers); the five its parser reads for almost every
/// element come first, the most read first (counted over bench files), so that a lookup ends early.
const OptionBytes *parser_options(std::size_t &count) {
    static const OptionBytes options[] = {
        bytes_of(dcmStopParsingAfterElement), bytes_of(dcmEnableAutomaticInputDataCorrection),
        bytes_of(dcmPreferVRFromDataDictionary), bytes_of(dcmPreferLengthFieldSizeFromDataDictionary),
        bytes_of(dcmReadImplPrivAttribMaxLengthAsSQ), bytes_of(dcmAcceptOddAttributeLength),
        bytes_of(dcmEnableCP246Support), bytes_of(dcmEnableOldSignatureFormat), bytes_of(dcmAutoDetectDatasetXfer),
        bytes_of(dcmAcceptUnexpectedImplicitEncoding), bytes_of(dcmIgnoreParsingErrors),
        bytes_of(dcmWriteOversizedSeqsAndItemsUndefined), bytes_of(dcmIgnoreFileMetaInformationGroupLength),
        bytes_of(dcmReplaceWrongDelimitationItem), bytes_of(dcmConvertUndefinedLengthOBOWtoSQ),
        bytes_of(dcmConvertVOILUTSequenceOWtoSQ), bytes_of(dcmUseExplLengthPixDataForEncTS),
        bytes_of(dcmEnableVRCheckerForStringValues), bytes_of(dcmZlibCompressionLevel),
        bytes_of(dcmZlibExpectRFC1950Encoding), bytes_of(dcmEnableUnknownVRGeneration),
        bytes_of(dcmEnableUnlimitedTextVRGeneration), bytes_of(dcmEnableOtherFloatVRGeneration),
        bytes_of(dcmEnableOtherDoubleVRGeneration), bytes_of(dcmEnableOtherLongVRGeneration),
        bytes_of(dcmEnableUniversalResourceIdentifierOrLocatorVRGeneration),
        bytes_of(dcmEnableUnlimitedCharactersVRGeneration), bytes_of(dcmEnableOther64bitVeryLongVRGeneration),
        bytes_of(dcmEnableSigned64bitVeryLongVRGeneration), bytes_of(dcmEnableUnsigned64bitVeryLongVRGeneration),
        bytes_of(dcmEnableUnknownVRConversion),
    };
    count = sizeof(options) / sizeof(options[0]);
    return options;
}

/// Whether `mutex` is the member of one of dcmdata's OFGlobal options.
bool guards_parser_option(const OFMutex *mutex) {
    const char *address = reinterpret_cast<const char *>(mutex);
    std::size_t count = 0;
    const OptionBytes *options = parser_options(count);
    for (std::size_t index = 0; index < count; ++index)
        if (address >= options[index].begin && address < options[index].end) return true;
    return false;
}

using MutexFunction = int (*)(OFMutex *);

/// ofstd's own OFMutex member `symbol`, found once (the next definition after this executable's).
MutexFunction ofstd_function(std::atomic<MutexFunction> &cache, const char *symbol) {
    MutexFunction function = cache.load(std::memory_order_acquire);
    if (function == nullptr) {
        function = reinterpret_cast<MutexFunction>(cdcm::dcmtk_definition(symbol, "ofstd"));
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
