// JPEG 2000 frames through OpenJPEG (Debian's DCMTK has no JPEG 2000 codec).
//
// Decodes one frame's codestream (J2K) or JP2 file from memory and writes stored values: the sample
// signedness is taken from the codestream as OpenJPEG reports it (as pydicom does); when it disagrees
// with Pixel Representation the bits are re-read at the codestream precision with the DICOM
// signedness, then the usual Bits Stored rule applies.
#include "shim_internal.hpp"

#include <openjpeg-2.5/openjpeg.h>

#include <algorithm>

namespace {

struct MemorySource {
    const uint8_t *data;
    size_t size;
    size_t offset;
};

OPJ_SIZE_T read_memory(void *buffer, OPJ_SIZE_T bytes, void *user) {
    auto *source = static_cast<MemorySource *>(user);
    if (source->offset >= source->size) return static_cast<OPJ_SIZE_T>(-1);
    const size_t n = std::min<size_t>(bytes, source->size - source->offset);
    std::memcpy(buffer, source->data + source->offset, n);
    source->offset += n;
    return n;
}

OPJ_OFF_T skip_memory(OPJ_OFF_T bytes, void *user) {
    auto *source = static_cast<MemorySource *>(user);
    if (bytes < 0) {
        const size_t back = std::min<size_t>(static_cast<size_t>(-bytes), source->offset);
        source->offset -= back;
        return -static_cast<OPJ_OFF_T>(back);
    }
    const size_t forward = std::min<size_t>(static_cast<size_t>(bytes), source->size - source->offset);
    source->offset += forward;
    return static_cast<OPJ_OFF_T>(forward);
}

OPJ_BOOL seek_memory(OPJ_OFF_T position, void *user) {
    auto *source = static_cast<MemorySource *>(user);
    if (position < 0 || static_cast<size_t>(position) > source->size) return OPJ_FALSE;
    source->offset = static_cast<size_t>(position);
    return OPJ_TRUE;
}

void collect_message(const char *message, void *user) {
    auto *sink = static_cast<std::string *>(user);
    if (sink->size() > 300) return;
    std::string line(message);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    if (!sink->empty()) *sink += "; ";
    *sink += line;
}

void ignore_message(const char *, void *) {}

/// Owns OpenJPEG's objects for one decode.
struct Decoder {
    opj_codec_t *codec = nullptr;
    opj_stream_t *stream = nullptr;
    opj_image_t *image = nullptr;
    ~Decoder() {
        if (image) opj_image_destroy(image);
        if (stream) opj_stream_destroy(stream);
        if (codec) opj_destroy_codec(codec);
    }
};

bool is_jp2_file(const uint8_t *data, size_t size) {
    static const uint8_t signature[] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20};
    return size >= sizeof(signature) && std::memcmp(data, signature, sizeof(signature)) == 0;
}

cdcm_status fail(cdcm_error *err, cdcm_status code, const std::string &text) {
    cdcm::set_error(err, code, text);
    return code;
}

}  // namespace

namespace cdcm {

cdcm_status decode_jpeg2000_frame(const uint8_t *data, size_t size, uint32_t rows, uint32_t columns,
                                  uint32_t samples, uint32_t bits_stored, uint32_t pixel_representation,
                                  int32_t *out, size_t count, cdcm_error *err) {
    MemorySource source{data, size, 0};
    std::string messages;
    Decoder decoder;
    decoder.codec = opj_create_decompress(is_jp2_file(data, size) ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    if (decoder.codec == nullptr) return fail(err, CDCM_ERR_INTERNAL, "cannot create OpenJPEG decoder");
    opj_set_error_handler(decoder.codec, collect_message, &messages);
    opj_set_warning_handler(decoder.codec, ignore_message, nullptr);
    opj_set_info_handler(decoder.codec, ignore_message, nullptr);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(decoder.codec, &parameters)) return fail(err, CDCM_ERR_DECODE, "OpenJPEG setup failed");

    decoder.stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
    if (decoder.stream == nullptr) return fail(err, CDCM_ERR_INTERNAL, "cannot create OpenJPEG stream");
    opj_stream_set_user_data(decoder.stream, &source, nullptr);
    opj_stream_set_user_data_length(decoder.stream, size);
    opj_stream_set_read_function(decoder.stream, read_memory);
    opj_stream_set_skip_function(decoder.stream, skip_memory);
    opj_stream_set_seek_function(decoder.stream, seek_memory);

    if (!opj_read_header(decoder.stream, decoder.codec, &decoder.image) || decoder.image == nullptr)
        return fail(err, CDCM_ERR_DECODE, "JPEG 2000 header: " + (messages.empty() ? "unreadable" : messages));
    if (!opj_decode(decoder.codec, decoder.stream, decoder.image) || !opj_end_decompress(decoder.codec, decoder.stream))
        return fail(err, CDCM_ERR_DECODE, "JPEG 2000 decode: " + (messages.empty() ? "failed" : messages));

    const opj_image_t &image = *decoder.image;
    if (image.numcomps != samples)
        return fail(err, CDCM_ERR_DECODE, "JPEG 2000 has " + std::to_string(image.numcomps) +
                                              " components, Samples per Pixel is " + std::to_string(samples));
    for (uint32_t c = 0; c < samples; ++c) {
        const opj_image_comp_t &comp = image.comps[c];
        if (comp.data == nullptr || comp.w != columns || comp.h != rows)
            return fail(err, CDCM_ERR_DECODE, "JPEG 2000 component " + std::to_string(c) + " is " +
                                                  std::to_string(comp.w) + "x" + std::to_string(comp.h) +
                                                  ", header says " + std::to_string(columns) + "x" +
                                                  std::to_string(rows));
        if (comp.prec == 0 || comp.prec > 32)
            return fail(err, CDCM_ERR_DECODE, "JPEG 2000 precision " + std::to_string(comp.prec));
    }
    const size_t pixels = static_cast<size_t>(rows) * columns;
    if (count != pixels * samples) return fail(err, CDCM_ERR_ARGUMENT, "output size does not match the frame");

    const bool dicom_signed = pixel_representation == 1;
    for (uint32_t c = 0; c < samples; ++c) {
        const opj_image_comp_t &comp = image.comps[c];
        const bool mismatch = (comp.sgnd != 0) != dicom_signed;
        // Re-read at the codestream precision when its signedness disagrees with the dataset, and apply
        // Bits Stored when the codestream carries more bits than the dataset declares.
        const uint32_t width = mismatch ? comp.prec : (comp.prec > bits_stored ? bits_stored : 0);
        const uint32_t mask = width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1u;
        const OPJ_INT32 *source_values = comp.data;
        for (size_t i = 0; i < pixels; ++i) {
            int32_t value = source_values[i];
            if (width > 0 && width < 32) {
                uint32_t bits = static_cast<uint32_t>(value) & mask;
                if (dicom_signed && (bits & (1u << (width - 1)))) bits |= ~mask;
                value = static_cast<int32_t>(bits);
            }
            out[i * samples + c] = value;
        }
    }
    return CDCM_OK;
}

}  // namespace cdcm
