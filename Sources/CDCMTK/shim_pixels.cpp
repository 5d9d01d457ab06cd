// Pixel access: image description and frame decoding. (Placeholder: implemented in the pixels work.)
#include "shim_internal.hpp"

extern "C" cdcm_status cdcm_image_info_get(cdcm_file *file, cdcm_image_info *info, cdcm_error *err) {
    cdcm::set_error(err, CDCM_ERR_UNSUPPORTED, "pixel access not implemented yet");
    return CDCM_ERR_UNSUPPORTED;
}

extern "C" cdcm_status cdcm_decode_frame(cdcm_file *file, uint32_t frame, int32_t *out, size_t count, cdcm_error *err) {
    cdcm::set_error(err, CDCM_ERR_UNSUPPORTED, "pixel access not implemented yet");
    return CDCM_ERR_UNSUPPORTED;
}
