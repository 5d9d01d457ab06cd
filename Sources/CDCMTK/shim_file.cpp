// Opening files, DCMTK set-up, log capture and finding elements by path (their values: shim_elements.cpp).
#include "shim_internal.hpp"

#include "dcmtk/dcmdata/dcrledrg.h"
#include "dcmtk/dcmjpeg/djdecode.h"
#include "dcmtk/dcmjpls/djdecode.h"
#include "dcmtk/oflog/oflog.h"
#include "dcmtk/oflog/spi/logevent.h"

#include "dcmtk/dcmdata/dcistrmb.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

thread_local std::string *log_sink = nullptr;

/// Routes DCMTK log events to the calling thread's sink instead of stderr.
class ThreadLogAppender : public dcmtk::log4cplus::Appender {
  public:
    void close() override {}

  protected:
    void append(const dcmtk::log4cplus::spi::InternalLoggingEvent &event) override {
        if (log_sink == nullptr || log_sink->size() > 4096) return;
        if (!log_sink->empty()) log_sink->push_back('\n');
        log_sink->append(event.getMessage().c_str());
    }
};

/// Reads the dataset up to `stop` from the open file in chunks (16 KiB, then 64 KiB) through an
/// in-memory stream: the same parser as loadFileUntilTag without a stdio call per element. Returns
/// false when the file cannot be read or the parse fails: the caller then reads it the ordinary way,
/// so errors keep DCMTK's own file-stream wording.
bool load_header_in_chunks(DcmFileFormat &format, int fd, const DcmTagKey &stop) {
    thread_local std::vector<char> chunk(64 * 1024);  // reused: a 64 KiB free per file makes glibc consolidate its heap
    DcmInputBufferStream stream;
    format.transferInit();
    OFCondition status = EC_StreamNotifyClient;
    bool ended = false;
    off_t offset = 0;
    while (status == EC_StreamNotifyClient && !ended) {
        // A classic CT image's modules take a few KiB: the first read copies 16 KiB, not 64.
        const size_t wanted = offset == 0 ? 16 * 1024 : chunk.size();
        ssize_t count = ::pread(fd, chunk.data(), wanted, offset);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) break;
        offset += count;
        if (count == 0) {
            stream.setEos();
            ended = true;
        } else {
            stream.setBuffer(chunk.data(), static_cast<offile_off_t>(count));
        }
        status = format.readUntilTag(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength, stop);
        if (count > 0) stream.releaseBuffer();
    }
    // A dataset without Pixel Data ends with the stream. That is normal when its last element was read
    // completely; a truncated or over-long last element (still in work) goes to the file path, whose
    // error names it. (Transfer states are only meaningful before transferEnd.)
    bool complete = status.good();
    if (!complete && ended && status == EC_EndOfStream) {
        DcmDataset *dataset = format.getDataset();
        unsigned long elements = dataset->card();
        complete = elements > 0 && dataset->getElement(elements - 1)->transferState() == ERW_ready;
    }
    format.transferEnd();
    return complete;
}

}  // namespace

namespace cdcm {

void set_error(cdcm_error *err, cdcm_status code, const std::string &text) {
    set_error(err, code, text.c_str(), text.size());
}

void set_error(cdcm_error *err, cdcm_status code, const char *text, size_t length) {
    if (err == nullptr) return;
    err->code = code;
    // Not strncpy: it would pad the rest of the 512 bytes, and absent elements are asked for often.
    length = std::min(length, sizeof(err->message) - 1);
    std::memcpy(err->message, text, length);
    err->message[length] = '\0';
}

void capture_log(std::string *sink) { log_sink = sink; }

cdcm_status copy_out(const std::string &value, char *buf, size_t len, size_t *needed) {
    if (needed) *needed = value.size() + 1;
    if (buf == nullptr || len < value.size() + 1) return CDCM_ERR_BUFFER;
    std::memcpy(buf, value.c_str(), value.size() + 1);
    return CDCM_OK;
}

static std::string tag_text(uint32_t tag) {
    char text[16];
    std::snprintf(text, sizeof(text), "(%04X,%04X)", tag >> 16, tag & 0xFFFF);
    return text;
}

/// "element (GGGG,EEEE) not found", written without a heap string or printf: most look-ups of
/// optional attributes end here.
static void set_element_not_found(cdcm_error *err, uint32_t tag) {
    if (err == nullptr) return;
    static const char digits[] = "0123456789ABCDEF";
    char text[] = "element (GGGG,EEEE) not found";
    for (int k = 0; k < 4; ++k) {
        text[9 + k] = digits[(tag >> (28 - 4 * k)) & 0xF];
        text[14 + k] = digits[(tag >> (12 - 4 * k)) & 0xF];
    }
    set_error(err, CDCM_ERR_NOT_FOUND, text, sizeof(text) - 1);
}

/// The first top-level element with `tag`, as DcmItem::findAndGetElement would find it, through the
/// file's sorted index (of two equal tags the first in the dataset wins).
static DcmElement *top_level_element(cdcm_file *file, uint32_t tag) {
    if (!file->top_level_ready) {
        file->top_level.clear();
        DcmDataset *dataset = file->format.getDataset();
        for (DcmObject *object = dataset->nextInContainer(nullptr); object != nullptr;
             object = dataset->nextInContainer(object)) {
            const DcmTagKey key = object->getTag();
            auto *element = OFstatic_cast(DcmElement *, object);
            file->top_level.emplace_back(static_cast<uint32_t>(key.getGroup()) << 16 | key.getElement(), element);
        }
        // DCMTK keeps a dataset in tag order, so this rarely moves anything; when it does, equal tags
        // keep their dataset order (insertion sort is stable).
        for (size_t i = 1; i < file->top_level.size(); ++i) {
            for (size_t j = i; j > 0 && file->top_level[j].first < file->top_level[j - 1].first; --j)
                std::swap(file->top_level[j], file->top_level[j - 1]);
        }
        file->top_level_ready = true;
    }
    auto found = std::lower_bound(file->top_level.begin(), file->top_level.end(), tag,
                                  [](const auto &entry, uint32_t key) { return entry.first < key; });
    return found != file->top_level.end() && found->first == tag ? found->second : nullptr;
}

void forget_top_level(cdcm_file *file) {
    file->top_level.clear();
    file->top_level_ready = false;
}

void *dcmtk_definition(const char *symbol, const char *library) {
    void *definition = dlsym(RTLD_NEXT, symbol);
    if (definition == nullptr) {
        std::fprintf(stderr, "ctdose: DCMTK's %s not found in its %s library\n", symbol, library);
        std::abort();
    }
    return definition;
}

cdcm_status find_element(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                         DcmElement **out, cdcm_error *err) {
    if (file == nullptr || tags == nullptr || depth == 0 || (depth > 1 && items == nullptr)) {
        set_error(err, CDCM_ERR_ARGUMENT, "invalid element path");
        return CDCM_ERR_ARGUMENT;
    }
    DcmItem *item = depth > 1 ? file->format.getDataset() : nullptr;  // a top-level look-up goes through the index
    for (size_t k = 0; k + 1 < depth; ++k) {
        DcmSequenceOfItems *sequence = nullptr;
        if (k == 0) {
            DcmElement *element = top_level_element(file, tags[0]);
            if (element != nullptr && (element->ident() == EVR_SQ || element->ident() == EVR_pixelSQ)) sequence = OFstatic_cast(DcmSequenceOfItems *, element);
        } else if (item->findAndGetSequence(tag_key(tags[k]), sequence).bad()) {
            sequence = nullptr;
        }
        if (sequence == nullptr) {
            set_error(err, CDCM_ERR_NOT_FOUND, "sequence " + tag_text(tags[k]) + " not found");
            return CDCM_ERR_NOT_FOUND;
        }
        if (items[k] >= sequence->card()) {
            set_error(err, CDCM_ERR_NOT_FOUND, "item " + std::to_string(items[k]) + " of " + tag_text(tags[k]) + " not found");
            return CDCM_ERR_NOT_FOUND;
        }
        item = sequence->getItem(items[k]);
        if (item == nullptr) {
            set_error(err, CDCM_ERR_NOT_FOUND, "item missing in " + tag_text(tags[k]));
            return CDCM_ERR_NOT_FOUND;
        }
    }
    DcmElement *element = nullptr;
    if (depth == 1) {
        element = top_level_element(file, tags[0]);
    } else if (item->findAndGetElement(tag_key(tags[depth - 1]), element, OFFalse).bad()) {
        element = nullptr;
    }
    if (element == nullptr) {
        set_element_not_found(err, tags[depth - 1]);
        return CDCM_ERR_NOT_FOUND;
    }
    *out = element;
    return CDCM_OK;
}

}  // namespace cdcm

extern "C" {

void cdcm_init(void) {
    static std::once_flag once;
    std::call_once(once, [] {
        DcmRLEDecoderRegistration::registerCodecs();
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        dcmtk::log4cplus::Logger root = dcmtk::log4cplus::Logger::getRoot();
        root.removeAllAppenders();
        root.addAppender(dcmtk::log4cplus::SharedAppenderPtr(new ThreadLogAppender()));
        root.setLogLevel(dcmtk::log4cplus::WARN_LOG_LEVEL);
        // Loads the data dictionary now (tens of milliseconds of text parsing) rather than inside the
        // first file's parse.
        (void)dcmDataDict.isDictionaryLoaded();
    });
}

cdcm_status cdcm_open(const char *path, uint32_t flags, cdcm_file **out, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (path == nullptr || out == nullptr) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "path and out are required");
        return CDCM_ERR_ARGUMENT;
    }
    *out = nullptr;
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cdcm::set_error(err, CDCM_ERR_IO, std::string("cannot open file: ") + std::strerror(errno));
        return CDCM_ERR_IO;
    }
    cdcm_status status = cdcm_open_descriptor(fd, path, flags, out, err);
    ::close(fd);
    return status;
    CDCM_GUARD_END(err)
}

cdcm_status cdcm_open_descriptor(int fd, const char *path, uint32_t flags, cdcm_file **out, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (path == nullptr || out == nullptr || fd < 0) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "descriptor, path and out are required");
        return CDCM_ERR_ARGUMENT;
    }
    *out = nullptr;
    struct stat info;
    if (fstat(fd, &info) != 0) {
        cdcm::set_error(err, CDCM_ERR_IO, std::string("cannot stat file: ") + std::strerror(errno));
        return CDCM_ERR_IO;
    }
    auto *file = new cdcm_file();
    file->file_size = static_cast<uint64_t>(info.st_size);
    cdcm::capture_log(&file->warnings);
    OFCondition status;
    DcmTagKey stop = DCM_PixelData;
    if (flags & CDCM_OPEN_STOP_AT_GROUP_0033) stop = DcmTagKey(0x0033, 0x0000);
    if (flags & CDCM_OPEN_STOP_AT_CONTENT_SEQUENCE) stop = DCM_ContentSequence;
    std::string assertion;
    const bool completed = cdcm::run_catching_assertions([&] {
        if ((flags & CDCM_OPEN_STOP_BEFORE_PIXELS) && load_header_in_chunks(file->format, fd, stop)) {
            status = EC_Normal;
        } else if (flags & CDCM_OPEN_STOP_BEFORE_PIXELS) {
            file->format.clear();
            file->warnings.clear();
            status = file->format.loadFileUntilTag(OFFilename(path), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                                                   ERM_autoDetect, stop);
        } else {
            status = file->format.loadFile(OFFilename(path), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
        }
    }, assertion);
    cdcm::capture_log(nullptr);
    if (!completed) {
        // The parser was stopped inside the dataset: leaked, not freed (see run_catching_assertions).
        cdcm::set_error(err, CDCM_ERR_DECODE, "DCMTK stopped on its internal check " + assertion + " (corrupt file)");
        return CDCM_ERR_DECODE;
    }
    if (status.bad()) {
        std::string message = status.text();
        if (!file->warnings.empty()) message += " (" + file->warnings.substr(0, 300) + ")";
        cdcm_status code = status == EC_InvalidStream || status == EC_StreamNotifyClient ? CDCM_ERR_NOT_DICOM : CDCM_ERR_DECODE;
        if (status == EC_InvalidFilename) code = CDCM_ERR_IO;
        cdcm::set_error(err, code, message);
        delete file;
        return code;
    }
    *out = file;
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

void cdcm_close(cdcm_file *file) {
    if (file != nullptr && !file->abandoned.empty()) return;  // leaked: a decoder was stopped inside it
    try {
        delete file;
    } catch (...) {
    }
}

cdcm_status cdcm_open_warnings(cdcm_file *file, char *buf, size_t len, size_t *needed) {
    if (file == nullptr) return CDCM_ERR_ARGUMENT;
    try {
        return cdcm::copy_out(file->warnings, buf, len, needed);
    } catch (...) {
        return CDCM_ERR_INTERNAL;
    }
}

cdcm_status cdcm_transfer_syntax(cdcm_file *file, char *buf, size_t len, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (file == nullptr || buf == nullptr) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "file and buffer are required");
        return CDCM_ERR_ARGUMENT;
    }
    DcmXfer xfer(file->format.getDataset()->getOriginalXfer());
    size_t needed = 0;
    cdcm_status status = cdcm::copy_out(xfer.getXferID(), buf, len, &needed);
    if (status != CDCM_OK) cdcm::set_error(err, status, "buffer too small for transfer syntax UID");
    return status;
    CDCM_GUARD_END(err)
}

}  // extern "C"
