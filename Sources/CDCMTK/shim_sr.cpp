// Structured-report content tree walk over the raw ContentSequence: iterative (no recursion, so a
// hostile nesting depth cannot exhaust the stack) and without IOD validation.
#include "shim_internal.hpp"

#include <vector>

namespace {

const DcmTagKey kConceptName(0x0040, 0xA043), kConceptCode(0x0040, 0xA168), kMeasuredValue(0x0040, 0xA300),
    kNumericValue(0x0040, 0xA30A), kUnits(0x0040, 0x08EA), kFloatingValue(0x0040, 0xA161),
    kContent(0x0040, 0xA730), kRelationship(0x0040, 0xA010), kValueType(0x0040, 0xA040),
    kTextValue(0x0040, 0xA160), kUID(0x0040, 0xA124), kDateTime(0x0040, 0xA120), kDate(0x0040, 0xA121),
    kTime(0x0040, 0xA122), kPersonName(0x0040, 0xA123), kReferencedItem(0x0040, 0xDB73),
    kCodeValue(0x0008, 0x0100), kScheme(0x0008, 0x0102), kMeaning(0x0008, 0x0104),
    kLongCodeValue(0x0008, 0x0119), kURNCodeValue(0x0008, 0x0120);

const char *text(DcmItem *item, const DcmTagKey &key) {
    const char *value = nullptr;
    if (item == nullptr || item->findAndGetString(key, value, OFFalse).bad() || value == nullptr) return "";
    return value;
}

DcmItem *first_item(DcmItem *item, const DcmTagKey &key) {
    DcmSequenceOfItems *sequence = nullptr;
    if (item == nullptr || item->findAndGetSequence(key, sequence, OFFalse).bad() || sequence == nullptr) return nullptr;
    return sequence->card() > 0 ? sequence->getItem(0) : nullptr;
}

struct CodeTexts {
    const char *value = "", *scheme = "", *meaning = "";
};

CodeTexts code(DcmItem *item) {
    CodeTexts result;
    if (item == nullptr) return result;
    result.value = text(item, kCodeValue);
    if (*result.value == '\0') result.value = text(item, kLongCodeValue);
    if (*result.value == '\0') result.value = text(item, kURNCodeValue);
    result.scheme = text(item, kScheme);
    result.meaning = text(item, kMeaning);
    return result;
}

struct Pending {
    DcmItem *item;
    int32_t parent;
    uint32_t depth;
};

}  // namespace

extern "C" cdcm_status cdcm_sr_walk(cdcm_file *file, uint32_t max_depth, cdcm_sr_visitor visitor, void *context,
                                    uint32_t *visited, uint32_t *skipped_deeper, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (file == nullptr || visitor == nullptr) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "file and visitor are required");
        return CDCM_ERR_ARGUMENT;
    }
    uint32_t count = 0, skipped = 0;
    std::vector<Pending> stack;
    stack.push_back({file->format.getDataset(), -1, 0});
    std::string references, datetime;
    while (!stack.empty()) {
        Pending current = stack.back();
        stack.pop_back();
        DcmItem *item = current.item;

        cdcm_sr_item out;
        std::memset(&out, 0, sizeof(out));
        out.index = count;
        out.parent = current.parent;
        out.depth = current.depth;
        out.relationship = text(item, kRelationship);
        out.value_type = text(item, kValueType);
        CodeTexts concept = code(first_item(item, kConceptName));
        out.concept_value = concept.value; out.concept_scheme = concept.scheme; out.concept_meaning = concept.meaning;
        CodeTexts coded = code(first_item(item, kConceptCode));
        out.code_value = coded.value; out.code_scheme = coded.scheme; out.code_meaning = coded.meaning;
        DcmItem *measured = first_item(item, kMeasuredValue);
        out.numeric_value = text(measured, kNumericValue);
        CodeTexts unit = code(first_item(measured, kUnits));
        out.unit_value = unit.value; out.unit_scheme = unit.scheme; out.unit_meaning = unit.meaning;
        Float64 floating = 0;
        if (measured != nullptr && measured->findAndGetFloat64(kFloatingValue, floating).good()) {
            out.floating_value = floating;
            out.has_floating_value = 1;
        }
        out.text_value = text(item, kTextValue);
        out.uid_value = text(item, kUID);
        datetime = text(item, kDateTime);
        if (datetime.empty()) {
            datetime = text(item, kDate);
            const char *time = text(item, kTime);
            if (*time != '\0') datetime += time;
        }
        out.datetime_value = datetime.c_str();
        out.person_name = text(item, kPersonName);
        references.clear();
        DcmElement *referenced = nullptr;
        if (item->findAndGetElement(kReferencedItem, referenced, OFFalse).good() && referenced != nullptr) {
            for (unsigned long i = 0; i < referenced->getVM(); ++i) {
                Uint32 number = 0;
                if (referenced->getUint32(number, i).good()) {
                    if (!references.empty()) references += '\\';
                    references += std::to_string(number);
                }
            }
        }
        out.referenced_item = references.c_str();

        const int32_t index = static_cast<int32_t>(count);
        visitor(&out, context);
        ++count;

        DcmSequenceOfItems *children = nullptr;
        if (item->findAndGetSequence(kContent, children, OFFalse).good() && children != nullptr) {
            if (current.depth + 1 > max_depth) {
                skipped += children->card();
                continue;
            }
            // Push in reverse so that children are visited in document order.
            for (unsigned long i = children->card(); i > 0; --i) {
                DcmItem *child = children->getItem(i - 1);
                if (child != nullptr) stack.push_back({child, index, current.depth + 1});
            }
        }
    }
    if (visited) *visited = count;
    if (skipped_deeper) *skipped_deeper = skipped;
    return CDCM_OK;
    CDCM_GUARD_END(err)
}
