// Element values by path: strings, bytes, numbers, item counts and lengths (the lookup itself is
// cdcm::find_element, in shim_file.cpp).
#include "shim_internal.hpp"

#include <cstring>
#include <string>

extern "C" {

static bool is_binary(DcmEVR vr) {
    switch (vr) {
        case EVR_OB: case EVR_OW: case EVR_OF: case EVR_OD: case EVR_OL: case EVR_OV: case EVR_UN:
        case EVR_SQ: case EVR_pixelSQ: case EVR_ox: case EVR_px: case EVR_pixelItem:
        // A VR that is not DICOM's: DCMTK keeps the bytes and would render them as hex, one value per
        // byte of the length field (a corrupt length of 1.2 GB hung a scan).
        case EVR_UNKNOWN: case EVR_UNKNOWN2B:
            return true;
        default:
            return false;
    }
}

cdcm_status cdcm_get_string(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                            char *buf, size_t len, size_t *needed, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    DcmElement *element = nullptr;
    cdcm_status status = cdcm::find_element(file, tags, items, depth, &element, err);
    if (status != CDCM_OK) return status;
    if (is_binary(element->ident())) {
        cdcm::set_error(err, CDCM_ERR_TYPE, std::string("element has binary VR ") + DcmVR(element->getVR()).getVRName());
        return CDCM_ERR_TYPE;
    }
    OFString value;
    OFCondition condition = element->getOFStringArray(value);
    if (condition.bad()) {
        cdcm::set_error(err, CDCM_ERR_DECODE, condition.text());
        return CDCM_ERR_DECODE;
    }
    status = cdcm::copy_out(value, buf, len, needed);  // OFString is std::string in this DCMTK build
    if (status == CDCM_ERR_BUFFER) cdcm::set_error(err, status, "buffer too small");
    return status;
    CDCM_GUARD_END(err)
}

cdcm_status cdcm_get_bytes(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                           uint8_t *buf, size_t len, size_t *needed, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    DcmElement *element = nullptr;
    cdcm_status status = cdcm::find_element(file, tags, items, depth, &element, err);
    if (status != CDCM_OK) return status;
    if (element->ident() == EVR_SQ || element->ident() == EVR_pixelSQ) {
        cdcm::set_error(err, CDCM_ERR_TYPE, "element is a sequence");
        return CDCM_ERR_TYPE;
    }
    if (element->isaString()) {
        OFString text;
        OFCondition condition = element->getOFStringArray(text);
        if (condition.bad()) {
            cdcm::set_error(err, CDCM_ERR_DECODE, condition.text());
            return CDCM_ERR_DECODE;
        }
        if (needed) *needed = text.size();
        if (buf == nullptr || len < text.size()) {
            cdcm::set_error(err, CDCM_ERR_BUFFER, "buffer too small");
            return CDCM_ERR_BUFFER;
        }
        std::memcpy(buf, text.data(), text.size());
        return CDCM_OK;
    }
    const Uint32 length = element->getLength();
    if (needed) *needed = length;
    if (buf == nullptr || len < length) {
        cdcm::set_error(err, CDCM_ERR_BUFFER, "buffer too small");
        return CDCM_ERR_BUFFER;
    }
    if (length == 0) return CDCM_OK;
    Uint8 *bytes = nullptr;
    OFCondition condition = element->getUint8Array(bytes);
    if (condition.bad() || bytes == nullptr) {
        cdcm::set_error(err, CDCM_ERR_DECODE, condition.bad() ? condition.text() : "no value bytes");
        return CDCM_ERR_DECODE;
    }
    std::memcpy(buf, bytes, length);
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

cdcm_status cdcm_get_numbers(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                             double *out, size_t capacity, size_t *count, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    DcmElement *element = nullptr;
    cdcm_status status = cdcm::find_element(file, tags, items, depth, &element, err);
    if (status != CDCM_OK) return status;
    const unsigned long vm = element->getVM();
    if (count) *count = vm;
    for (unsigned long i = 0; i < vm && i < capacity; ++i) {
        OFCondition condition;
        double value = 0;
        switch (element->ident()) {
            case EVR_US: { Uint16 v = 0; condition = element->getUint16(v, i); value = v; break; }
            case EVR_SS: { Sint16 v = 0; condition = element->getSint16(v, i); value = v; break; }
            case EVR_UL: { Uint32 v = 0; condition = element->getUint32(v, i); value = v; break; }
            case EVR_SL: { Sint32 v = 0; condition = element->getSint32(v, i); value = v; break; }
            case EVR_FL: { Float32 v = 0; condition = element->getFloat32(v, i); value = v; break; }
            case EVR_FD: { Float64 v = 0; condition = element->getFloat64(v, i); value = v; break; }
            case EVR_DS: { Float64 v = 0; condition = element->getFloat64(v, i); value = v; break; }
            case EVR_IS: { Sint32 v = 0; condition = element->getSint32(v, i); value = v; break; }
            default:
                cdcm::set_error(err, CDCM_ERR_TYPE, std::string("element is not numeric (VR ") + DcmVR(element->getVR()).getVRName() + ")");
                return CDCM_ERR_TYPE;
        }
        if (condition.bad()) {
            cdcm::set_error(err, CDCM_ERR_TYPE, std::string("value ") + std::to_string(i) + " is not a number: " + condition.text());
            return CDCM_ERR_TYPE;
        }
        out[i] = value;
    }
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

cdcm_status cdcm_item_count(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                            size_t *count, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    DcmElement *element = nullptr;
    cdcm_status status = cdcm::find_element(file, tags, items, depth, &element, err);
    if (status != CDCM_OK) return status;
    if (element->ident() != EVR_SQ) {
        cdcm::set_error(err, CDCM_ERR_TYPE, "element is not a sequence");
        return CDCM_ERR_TYPE;
    }
    *count = static_cast<DcmSequenceOfItems *>(element)->card();
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

cdcm_status cdcm_value_length(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                              uint64_t *length, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    DcmElement *element = nullptr;
    cdcm_status status = cdcm::find_element(file, tags, items, depth, &element, err);
    if (status != CDCM_OK) return status;
    *length = element->getLength();
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

}  // extern "C"
