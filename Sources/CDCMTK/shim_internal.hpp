// Internal to the shim: the handle type and small helpers shared by the shim's .cpp files.
#pragma once

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"
#include "dcmtk/dcmnet/dcmlayer.h"
#include "include/cdcmtk.h"

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

struct cdcm_file {
    DcmFileFormat format;
    std::string warnings;
    uint64_t file_size = 0;
    /// The dataset's top-level elements by tag, built on the first look-up: DCMTK finds an element by
    /// walking its list, and a header read asks for some sixty. Cleared whenever DCMTK may replace
    /// elements (pixel decoding can rewrite attributes such as Photometric Interpretation).
    std::vector<std::pair<uint32_t, DcmElement *>> top_level;
    bool top_level_ready = false;
    /// Set when a decoder's assert() stopped it mid-frame (see run_catching_assertions): the objects it
    /// left are not trusted again, so the handle decodes nothing more and cdcm_close leaks it.
    std::string abandoned;
};

namespace cdcm {

/// Copies `text` into a fixed-size error message (truncating) and sets the code.
void set_error(cdcm_error *err, cdcm_status code, const std::string &text);
void set_error(cdcm_error *err, cdcm_status code, const char *text, size_t length);

/// Starts / stops capturing DCMTK log lines of the calling thread into `sink` (nullptr stops).
void capture_log(std::string *sink);

/// Copies a string into a caller buffer with the BUFFER protocol.
cdcm_status copy_out(const std::string &value, char *buf, size_t len, size_t *needed);

/// Resolves a path (see cdcmtk.h) to an element; fills err on failure.
cdcm_status find_element(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                         DcmElement **out, cdcm_error *err);

/// Drops the top-level index; the next look-up rebuilds it.
void forget_top_level(cdcm_file *file);

/// The next definition of `symbol` after this executable's, in DCMTK's `library` (for the functions the
/// shim interposes), or a stop with the reason: calling a null pointer would only crash later.
void *dcmtk_definition(const char *symbol, const char *library);

/// Runs `body`; an assert() that fails inside it on this thread (DCMTK and the decoders it bundles,
/// such as CharLS for JPEG-LS, assert on some corrupt data, and Debian builds them with assertions
/// on) returns here instead of aborting the process: false, with "file:line: expression" in
/// `assertion`. What the interrupted frames held is leaked, not released.
bool run_catching_assertions(const std::function<void()> &body, std::string &assertion);

inline DcmTagKey tag_key(uint32_t tag) {
    return DcmTagKey(static_cast<Uint16>(tag >> 16), static_cast<Uint16>(tag & 0xFFFF));
}

/// A TLS layer (shim_tls.cpp) for an acceptor (receiver) or a requestor, or nullptr with `*error` set.
std::unique_ptr<DcmTransportLayer> tls_layer(const cdcm_tls &tls, bool acceptor, std::string *error);

}  // namespace cdcm

#define CDCM_GUARD_BEGIN try {
#define CDCM_GUARD_END(err)                                                                     \
    }                                                                                           \
    catch (const std::exception &e) {                                                           \
        cdcm::set_error(err, CDCM_ERR_INTERNAL, std::string("internal error: ") + e.what());    \
        return CDCM_ERR_INTERNAL;                                                               \
    }                                                                                           \
    catch (...) {                                                                               \
        cdcm::set_error(err, CDCM_ERR_INTERNAL, "internal error: unknown C++ exception");       \
        return CDCM_ERR_INTERNAL;                                                               \
    }
