// Structured-report content tree walk over the raw ContentSequence: iterative (no recursion, so a
// hostile nesting depth cannot exhaust the stack) and without IOD validation.
#include "shim_internal.hpp"

#include <array>
#include <vector>

namespace {

const DcmTagKey kConceptName(0x0040, 0xA043), kConceptCode(0x0040, 0xA168), kMeasuredValue(0x0040, 0xA300),
    kNumericValue(0x0040, 0xA30A), kUnits(0x0040, 0x08EA), kFloatingValue(0x0040, 0xA161),
    kContent(0x0040, 0xA730), kRelationship(0x0040, 0xA010), kValueType(0x0040, 0xA040),
    kTextValue(0x0040, 0xA160), kUID(0x0040, 0xA124), kDateTime(0x0040, 0xA120), kDate(0x0040, 0xA121),
    kTime(0x0040, 0xA122), kPersonName(0x0040, 0xA123), kReferencedItem(0x0040, 0xDB73),
    kCodeValue(0x0008, 0x0100), kScheme(0x0008, 0x0102), kMeaning(0x0008, 0x0104),
    kLongCodeValue(0x0008, 0x0119), kURNCodeValue(0x0008, 0x0120);

/// Every tag the walk reads from an item (initialised after the keys above: same translation unit).
const std::array<DcmTagKey, 21> kWanted = {
    kConceptName, kConceptCode, kMeasuredValue, kNumericValue, kUnits, kFloatingValue, kContent,
    kRelationship, kValueType, kTextValue, kUID, kDateTime, kDate, kTime, kPersonName, kReferencedItem,
    kCodeValue, kScheme, kMeaning, kLongCodeValue, kURNCodeValue};

/// The elements of one item that the walk reads, found in a single pass over the item (DCMTK's
/// findAndGet* walks the item's list once per call, and the walk asks up to twenty times per item).
/// Of two elements with the same tag the first wins, as with findAndGet*.
class ItemElements {
  public:
    explicit ItemElements(DcmItem *item) {
        if (item == nullptr) return;
        for (DcmObject *object = item->nextInContainer(nullptr); object != nullptr; object = item->nextInContainer(object)) {
            const DcmTagKey key = object->getTag();
            for (size_t k = 0; k < kWanted.size(); ++k) {
                if (key == kWanted[k]) {
                    if (found_[k] == nullptr) found_[k] = OFstatic_cast(DcmElement *, object);
                    break;
                }
            }
        }
    }

    DcmElement *element(const DcmTagKey &key) const {
        for (size_t k = 0; k < kWanted.size(); ++k)
            if (key == kWanted[k]) return found_[k];
        return nullptr;
    }

    /// The element's text as findAndGetString gives it, "" when absent, empty or not text.
    const char *text(const DcmTagKey &key) const {
        DcmElement *found = element(key);
        char *value = nullptr;
        if (found == nullptr || found->getString(value).bad() || value == nullptr) return "";
        return value;
    }

    /// The first item of the sequence `key`, nullptr when absent, empty or not a sequence.
    DcmItem *first_item(const DcmTagKey &key) const {
        DcmElement *found = element(key);
        if (found == nullptr || (found->ident() != EVR_SQ && found->ident() != EVR_pixelSQ)) return nullptr;
        auto *sequence = OFstatic_cast(DcmSequenceOfItems *, found);
        return sequence->card() > 0 ? sequence->getItem(0) : nullptr;
    }

    DcmSequenceOfItems *sequence(const DcmTagKey &key) const {
        DcmElement *found = element(key);
        if (found == nullptr || (found->ident() != EVR_SQ && found->ident() != EVR_pixelSQ)) return nullptr;
        return OFstatic_cast(DcmSequenceOfItems *, found);
    }

  private:
    std::array<DcmElement *, kWanted.size()> found_{};
};

struct CodeTexts {
    const char *value = "", *scheme = "", *meaning = "";
};

CodeTexts code(DcmItem *item) {
    CodeTexts result;
    if (item == nullptr) return result;
    const ItemElements elements(item);
    result.value = elements.text(kCodeValue);
    if (*result.value == '\0') result.value = elements.text(kLongCodeValue);
    if (*result.value == '\0') result.value = elements.text(kURNCodeValue);
    result.scheme = elements.text(kScheme);
    result.meaning = elements.text(kMeaning);
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
        const ItemElements elements(item);
        out.relationship = elements.text(kRelationship);
        out.value_type = elements.text(kValueType);
        CodeTexts concept = code(elements.first_item(kConceptName));
        out.concept_value = concept.value; out.concept_scheme = concept.scheme; out.concept_meaning = concept.meaning;
        CodeTexts coded = code(elements.first_item(kConceptCode));
        out.code_value = coded.value; out.code_scheme = coded.scheme; out.code_meaning = coded.meaning;
        DcmItem *measured = elements.first_item(kMeasuredValue);
        const ItemElements measurement(measured);
        out.numeric_value = measurement.text(kNumericValue);
        CodeTexts unit = code(measurement.first_item(kUnits));
        out.unit_value = unit.value; out.unit_scheme = unit.scheme; out.unit_meaning = unit.meaning;
        Float64 floating = 0;
        DcmElement *floating_element = measurement.element(kFloatingValue);
        if (floating_element != nullptr && floating_element->getFloat64(floating, 0).good()) {
            out.floating_value = floating;
            out.has_floating_value = 1;
        }
        out.text_value = elements.text(kTextValue);
        out.uid_value = elements.text(kUID);
        datetime = elements.text(kDateTime);
        if (datetime.empty()) {
            datetime = elements.text(kDate);
            const char *time = elements.text(kTime);
            if (*time != '\0') datetime += time;
        }
        out.datetime_value = datetime.c_str();
        out.person_name = elements.text(kPersonName);
        references.clear();
        DcmElement *referenced = elements.element(kReferencedItem);
        if (referenced != nullptr) {
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

        DcmSequenceOfItems *children = elements.sequence(kContent);
        if (children != nullptr) {
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
