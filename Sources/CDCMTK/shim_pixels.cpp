// Pixel access: image description and frame decoding to stored values.
//
// Mechanics only: which frame, which decoder, and the DICOM stored-value rules (mask to Bits Stored,
// sign-extend per Pixel Representation). Plausibility of the header (sizes against the file) is
// checked in Swift before any call that allocates.
#include "shim_internal.hpp"

#include "dcmtk/dcmdata/dccodec.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"

#include <memory>
#include <vector>

namespace cdcm {
// shim_jpeg2000.cpp
cdcm_status decode_jpeg2000_frame(const uint8_t *data, size_t size, uint32_t rows, uint32_t columns,
                                  uint32_t samples, uint32_t bits_stored, uint32_t pixel_representation,
                                  int32_t *out, size_t count, cdcm_error *err);
}  // namespace cdcm

namespace {

/// Transfer syntaxes this shim decodes, and by which route.
enum class Route { native, dcmtk_codec, jpeg2000, unsupported };

Route route_for(const std::string &uid) {
    static const char *const native[] = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2",
                                         "1.2.840.10008.1.2.1.99"};
    static const char *const codec[] = {"1.2.840.10008.1.2.5",    "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51",
                                        "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80",
                                        "1.2.840.10008.1.2.4.81"};
    for (const char *u : native)
        if (uid == u) return Route::native;
    for (const char *u : codec)
        if (uid == u) return Route::dcmtk_codec;
    if (uid == "1.2.840.10008.1.2.4.90" || uid == "1.2.840.10008.1.2.4.91") return Route::jpeg2000;
    return Route::unsupported;
}

/// The transfer syntax UID as declared in the meta header; the detected one when there is none.
std::string transfer_syntax_uid(cdcm_file *file) {
    OFString declared;
    DcmMetaInfo *meta = file->format.getMetaInfo();
    if (meta != nullptr && meta->findAndGetOFString(DCM_TransferSyntaxUID, declared).good() && !declared.empty()) {
        std::string uid(declared.c_str());
        while (!uid.empty() && (uid.back() == ' ' || uid.back() == '\0')) uid.pop_back();
        if (!uid.empty()) return uid;
    }
    DcmXfer xfer(file->format.getDataset()->getOriginalXfer());
    return xfer.getXferID();
}

uint16_t us_value(DcmItem *item, const DcmTagKey &key, uint16_t fallback) {
    Uint16 value = 0;
    return item->findAndGetUint16(key, value).good() ? value : fallback;
}

void fill_info(cdcm_file *file, cdcm_image_info *info) {
    std::memset(info, 0, sizeof(*info));
    DcmDataset *dataset = file->format.getDataset();
    info->rows = us_value(dataset, DCM_Rows, 0);
    info->columns = us_value(dataset, DCM_Columns, 0);
    Sint32 frames = 1;
    if (dataset->tagExists(DCM_NumberOfFrames)) {
        if (dataset->findAndGetSint32(DCM_NumberOfFrames, frames).bad()) frames = 0;
    }
    info->frames = frames < 1 ? 0 : static_cast<uint32_t>(frames);
    info->bits_allocated = us_value(dataset, DCM_BitsAllocated, 0);
    info->bits_stored = us_value(dataset, DCM_BitsStored, info->bits_allocated);
    info->high_bit = us_value(dataset, DCM_HighBit, info->bits_stored > 0 ? info->bits_stored - 1 : 0);
    info->pixel_representation = us_value(dataset, DCM_PixelRepresentation, 0);
    info->samples_per_pixel = us_value(dataset, DCM_SamplesPerPixel, 1);
    info->file_size = file->file_size;
    OFString photometric;
    if (dataset->findAndGetOFString(DCM_PhotometricInterpretation, photometric).good())
        std::strncpy(info->photometric, photometric.c_str(), sizeof(info->photometric) - 1);
    std::string uid = transfer_syntax_uid(file);
    std::strncpy(info->transfer_syntax, uid.c_str(), sizeof(info->transfer_syntax) - 1);

    DcmElement *pixels = nullptr;
    if (dataset->findAndGetElement(DCM_PixelData, pixels, OFFalse).good() && pixels != nullptr) {
        info->has_pixel_data = 1;
        // Only the native syntaxes are unencapsulated; any other (even one DCMTK does not know) is not.
        const bool encapsulated = route_for(uid) != Route::native;
        info->encapsulated = encapsulated ? 1 : 0;
        info->pixel_data_length = encapsulated ? 0xFFFFFFFFull : static_cast<uint64_t>(pixels->getLength());
    }
}

/// Stored-value rules for one frame: where the sample bits are and how to read them. A stored value is
/// the word shifted right by `shift`, its low `bits` bits kept, sign-extended from the top one when signed.
struct StoredLayout {
    uint32_t shift = 0;      // HighBit - BitsStored + 1 (native data only)
    uint32_t bits = 16;      // Bits Stored
    bool is_signed = false;  // Pixel Representation 1
};

template <typename Word>
void convert_words(const Word *words, size_t count, const StoredLayout &layout, int32_t *out) {
    if (layout.shift == 0 && layout.bits == sizeof(Word) * 8) {
        // Fast path: every bit is a stored bit; only the signedness decides.
        if (layout.is_signed) {
            using Signed = std::make_signed_t<Word>;
            for (size_t i = 0; i < count; ++i) out[i] = static_cast<Signed>(words[i]);
        } else {
            for (size_t i = 0; i < count; ++i) out[i] = static_cast<int32_t>(words[i]);
        }
        return;
    }
    // StoredLayout's rule, branch-free and with the layout in locals, so that the loop vectorizes:
    // mask the stored bits, then sign-extend by (v ^ sign) - sign.
    const uint32_t shift = layout.shift, bits = layout.bits;
    if (shift >= 32) {
        for (size_t i = 0; i < count; ++i) out[i] = 0;
        return;
    }
    const uint32_t mask = bits < 32 ? (1u << bits) - 1u : 0xFFFFFFFFu;
    const uint32_t sign = layout.is_signed && bits > 0 && bits < 32 ? 1u << (bits - 1) : 0u;
    for (size_t i = 0; i < count; ++i) {
        const uint32_t value = (static_cast<uint32_t>(words[i]) >> shift) & mask;
        out[i] = static_cast<int32_t>((value ^ sign) - sign);
    }
}

/// Reorders colour-by-plane samples (RRR…GGG…BBB…) to colour-by-pixel (RGBRGB…) in place.
void interleave_planes(int32_t *values, size_t count, uint32_t samples) {
    const size_t pixels = count / samples;
    std::vector<int32_t> planes(values, values + count);
    for (size_t p = 0; p < pixels; ++p)
        for (uint32_t s = 0; s < samples; ++s) values[p * samples + s] = planes[s * pixels + p];
}

cdcm_status fail(cdcm_error *err, cdcm_status code, const std::string &text) {
    cdcm::set_error(err, code, text);
    return code;
}

/// Item index (item 0 is the offset table) of the first fragment of `frame`: DCMTK's rule (offset
/// table, or one fragment per frame), else the `frame`-th fragment that starts a codestream.
cdcm_status frame_start_item(DcmPixelSequence *sequence, uint32_t frame, uint32_t frames,
                             bool (*starts_codestream)(const Uint8 *, Uint32), Uint32 &item_index, cdcm_error *err) {
    if (frame == 0) {
        item_index = 1;
        return CDCM_OK;
    }
    if (DcmCodec::determineStartFragment(frame, static_cast<Sint32>(frames), sequence, item_index).good())
        return CDCM_OK;
    uint32_t seen = 0;
    const unsigned long items = sequence->card();
    for (unsigned long k = 1; k < items; ++k) {
        DcmPixelItem *item = nullptr;
        Uint8 *data = nullptr;
        if (sequence->getItem(item, k).bad() || item == nullptr || item->getUint8Array(data).bad() || data == nullptr)
            continue;
        if (!starts_codestream(data, item->getLength())) continue;
        if (seen == frame) {
            item_index = static_cast<Uint32>(k);
            return CDCM_OK;
        }
        ++seen;
    }
    return fail(err, CDCM_ERR_DECODE, "cannot locate the fragments of frame " + std::to_string(frame) + " (no offset table, " +
                                          std::to_string(seen) + " codestream starts found)");
}

bool starts_jpeg(const Uint8 *data, Uint32 length) { return length >= 2 && data[0] == 0xFF && data[1] == 0xD8; }

bool starts_jpeg2000(const Uint8 *data, Uint32 length) {
    static const Uint8 jp2[] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50};
    return (length >= 4 && data[0] == 0xFF && data[1] == 0x4F && data[2] == 0xFF && data[3] == 0x51) ||
           (length >= sizeof(jp2) && std::memcmp(data, jp2, sizeof(jp2)) == 0);
}

/// The pixel sequence of encapsulated pixel data (nullptr when not encapsulated).
DcmPixelSequence *pixel_sequence(DcmPixelData *pixels) {
    E_TransferSyntax original = EXS_Unknown;
    const DcmRepresentationParameter *parameter = nullptr;
    pixels->getOriginalRepresentationKey(original, parameter);
    DcmPixelSequence *sequence = nullptr;
    if (pixels->getEncapsulatedRepresentation(original, parameter, sequence).bad()) return nullptr;
    return sequence;
}

/// Decodes through DcmPixelData::getUncompressedFrame (native data and DCMTK's codecs).
cdcm_status decode_with_dcmtk(cdcm_file *file, const cdcm_image_info &info, uint32_t frame, bool native,
                              int32_t *out, size_t count, cdcm_error *err) {
    const uint32_t bytes_per_sample = info.bits_allocated / 8u;
    const uint64_t frame_bytes = static_cast<uint64_t>(count) * bytes_per_sample;
    const uint64_t buffer_bytes = (frame_bytes + 1) & ~static_cast<uint64_t>(1);  // P6: even bufSize
    if (buffer_bytes > 0xFFFFFFFEull) return fail(err, CDCM_ERR_ARGUMENT, "frame larger than 4 GiB");

    DcmDataset *dataset = file->format.getDataset();
    DcmElement *element = nullptr;
    if (dataset->findAndGetElement(DCM_PixelData, element, OFFalse).bad() || element == nullptr)
        return fail(err, CDCM_ERR_NOT_FOUND, "no pixel data (7FE0,0010)");
    auto *pixels = static_cast<DcmPixelData *>(element);

    // 32-bit words decode straight into the caller's buffer; narrower words into an uninitialised scratch buffer.
    std::unique_ptr<uint8_t[]> scratch;
    void *target = out;
    if (bytes_per_sample != 4 || buffer_bytes > count * sizeof(int32_t)) {
        scratch.reset(new uint8_t[buffer_bytes]);
        target = scratch.get();
    }
    Uint32 start_fragment = 0;  // 0: DCMTK finds it (offset table, or one fragment per frame)
    if (!native) {
        DcmPixelSequence *sequence = pixel_sequence(pixels);
        if (sequence == nullptr) return fail(err, CDCM_ERR_DECODE, "compressed pixel data is not encapsulated");
        const bool rle = std::strcmp(info.transfer_syntax, "1.2.840.10008.1.2.5") == 0;
        if (rle && sequence->card() > static_cast<unsigned long>(info.frames) + 1)
            // DCMTK's RLE decoder returns wrong values for such frames instead of failing.
            return fail(err, CDCM_ERR_DECODE, "RLE: " + std::to_string(sequence->card() - 1) + " fragments for " +
                                                  std::to_string(info.frames) +
                                                  " frame(s); PS3.5 G.2 requires one fragment per frame");
        if (!rle) {
            cdcm_status found = frame_start_item(sequence, frame, info.frames, starts_jpeg, start_fragment, err);
            if (found != CDCM_OK) return found;
        }
    }
    if (!file->abandoned.empty())
        return fail(err, CDCM_ERR_DECODE, "frame " + std::to_string(frame) + ": not decoded after " + file->abandoned);
    OFString color_model;
    std::string log;
    std::string assertion;
    OFCondition status = EC_IllegalCall;
    cdcm::capture_log(&log);
    const bool completed = cdcm::run_catching_assertions([&] {
        status = pixels->getUncompressedFrame(dataset, frame, start_fragment, target, static_cast<Uint32>(buffer_bytes),
                                              color_model);
    }, assertion);
    cdcm::capture_log(nullptr);
    if (!completed) {
        file->abandoned = "the decoder stopped on its internal check " + assertion + " (corrupt compressed data)";
        return fail(err, CDCM_ERR_DECODE, "frame " + std::to_string(frame) + ": " + file->abandoned);
    }
    if (status.bad()) {
        std::string message = std::string("frame ") + std::to_string(frame) + ": " + status.text();
        if (!log.empty()) message += " (" + log.substr(0, 300) + ")";
        return fail(err, CDCM_ERR_DECODE, message);
    }

    StoredLayout layout;
    layout.bits = info.bits_stored;
    layout.is_signed = info.pixel_representation == 1;
    if (native && info.high_bit + 1u >= info.bits_stored) layout.shift = info.high_bit + 1u - info.bits_stored;
    switch (bytes_per_sample) {
        case 1: convert_words(static_cast<const uint8_t *>(target), count, layout, out); break;
        case 2: convert_words(static_cast<const uint16_t *>(target), count, layout, out); break;
        case 4: convert_words(static_cast<const uint32_t *>(target), count, layout, out); break;
        default: return fail(err, CDCM_ERR_UNSUPPORTED, "unsupported Bits Allocated " + std::to_string(info.bits_allocated));
    }
    // DCMTK returns colour frames in the dataset's Planar Configuration; the C API is colour-by-pixel.
    if (info.samples_per_pixel > 1 && us_value(dataset, DCM_PlanarConfiguration, 0) == 1)
        interleave_planes(out, count, info.samples_per_pixel);
    return CDCM_OK;
}

/// Fragment bytes of one frame: from its start fragment up to the next frame's start.
cdcm_status gather_fragments(DcmPixelSequence *sequence, uint32_t frame, uint32_t frames, std::vector<uint8_t> &bytes,
                             cdcm_error *err) {
    const unsigned long items = sequence->card();
    if (items < 2) return fail(err, CDCM_ERR_DECODE, "pixel sequence has no fragments");
    const unsigned long fragments = items - 1;
    unsigned long first = 1, end = items;  // item indexes, [first, end)
    if (frames > 1) {
        if (fragments == frames) {
            first = frame + 1;
            end = first + 1;
        } else {
            Uint32 start = 0;
            cdcm_status status = frame_start_item(sequence, frame, frames, starts_jpeg2000, start, err);
            if (status != CDCM_OK) return status;
            first = start;
            Uint32 next = 0;
            cdcm_error ignored;
            if (frame + 1 < frames && frame_start_item(sequence, frame + 1, frames, starts_jpeg2000, next, &ignored) == CDCM_OK &&
                next > first)
                end = next;
        }
    }
    for (unsigned long k = first; k < end && k < items; ++k) {
        DcmPixelItem *item = nullptr;
        if (sequence->getItem(item, k).bad() || item == nullptr) return fail(err, CDCM_ERR_DECODE, "missing fragment");
        Uint8 *data = nullptr;
        const Uint32 length = item->getLength();
        if (length == 0) continue;
        if (item->getUint8Array(data).bad() || data == nullptr)
            return fail(err, CDCM_ERR_DECODE, "cannot read fragment " + std::to_string(k));
        bytes.insert(bytes.end(), data, data + length);
    }
    if (bytes.empty()) return fail(err, CDCM_ERR_DECODE, "frame " + std::to_string(frame) + " has no data");
    return CDCM_OK;
}

cdcm_status decode_jpeg2000(cdcm_file *file, const cdcm_image_info &info, uint32_t frame, int32_t *out, size_t count,
                            cdcm_error *err) {
    DcmDataset *dataset = file->format.getDataset();
    DcmElement *element = nullptr;
    if (dataset->findAndGetElement(DCM_PixelData, element, OFFalse).bad() || element == nullptr)
        return fail(err, CDCM_ERR_NOT_FOUND, "no pixel data (7FE0,0010)");
    auto *pixels = static_cast<DcmPixelData *>(element);
    DcmPixelSequence *sequence = pixel_sequence(pixels);
    if (sequence == nullptr) return fail(err, CDCM_ERR_DECODE, "JPEG 2000 pixel data is not encapsulated");
    std::vector<uint8_t> bytes;
    cdcm_status status = gather_fragments(sequence, frame, info.frames, bytes, err);
    if (status != CDCM_OK) return status;
    // The frame's bytes are a copy: a decoder assertion (see run_catching_assertions) leaves the dataset intact.
    std::string assertion;
    const bool completed = cdcm::run_catching_assertions([&] {
        status = cdcm::decode_jpeg2000_frame(bytes.data(), bytes.size(), info.rows, info.columns, info.samples_per_pixel,
                                             info.bits_stored, info.pixel_representation, out, count, err);
    }, assertion);
    if (!completed)
        return fail(err, CDCM_ERR_DECODE, "frame " + std::to_string(frame) + ": the JPEG 2000 decoder stopped on its internal check " +
                                              assertion + " (corrupt compressed data)");
    return status;
}

}  // namespace

extern "C" {

cdcm_status cdcm_image_info_get(cdcm_file *file, cdcm_image_info *info, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (file == nullptr || info == nullptr) return fail(err, CDCM_ERR_ARGUMENT, "file and info are required");
    fill_info(file, info);
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

cdcm_status cdcm_decode_frame(cdcm_file *file, uint32_t frame, int32_t *out, size_t count, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (file == nullptr || out == nullptr) return fail(err, CDCM_ERR_ARGUMENT, "file and output buffer are required");
    cdcm_image_info info;
    fill_info(file, &info);
    const std::string uid = info.transfer_syntax;
    const Route route = route_for(uid);
    if (route == Route::unsupported) return fail(err, CDCM_ERR_UNSUPPORTED, "unsupported transfer syntax " + uid);
    if (!info.has_pixel_data) return fail(err, CDCM_ERR_NOT_FOUND, "no pixel data (7FE0,0010)");
    if (info.rows == 0 || info.columns == 0 || info.samples_per_pixel == 0 || info.frames == 0)
        return fail(err, CDCM_ERR_ARGUMENT, "image has zero rows, columns, samples or frames");
    if (frame >= info.frames)
        return fail(err, CDCM_ERR_ARGUMENT,
                    "frame " + std::to_string(frame) + " out of range (" + std::to_string(info.frames) + " frames)");
    const uint64_t expected = static_cast<uint64_t>(info.rows) * info.columns * info.samples_per_pixel;
    if (count != expected)
        return fail(err, CDCM_ERR_ARGUMENT,
                    "output holds " + std::to_string(count) + " values, frame has " + std::to_string(expected));
    if (info.bits_stored == 0 || info.bits_stored > info.bits_allocated || info.bits_stored > 32)
        return fail(err, CDCM_ERR_UNSUPPORTED, "unsupported Bits Stored " + std::to_string(info.bits_stored));
    // A codec may replace attributes of the dataset (e.g. Photometric Interpretation) while decoding.
    cdcm::forget_top_level(file);
    if (route == Route::jpeg2000) return decode_jpeg2000(file, info, frame, out, count, err);
    if (info.bits_allocated != 8 && info.bits_allocated != 16 && info.bits_allocated != 32)
        return fail(err, CDCM_ERR_UNSUPPORTED, "unsupported Bits Allocated " + std::to_string(info.bits_allocated));
    return decode_with_dcmtk(file, info, frame, route == Route::native, out, count, err);
    CDCM_GUARD_END(err)
}

}  // extern "C"
