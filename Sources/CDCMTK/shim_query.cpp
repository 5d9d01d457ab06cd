// A DICOM Query/Retrieve SCU over DCMTK's DcmSCU (Study Root information model): one association,
// C-FIND with the keys Swift gives, C-MOVE to the AE Swift names, C-GET into the files Swift names.
// No decisions here.
#include "shim_internal.hpp"

#include "dcmtk/dcmnet/scu.h"

#include <memory>

namespace {

class QuerySCU : public DcmSCU {
  public:
    cdcm_find_match on_match = nullptr;
    void *context = nullptr;
    const std::vector<DcmTagKey> *tags = nullptr;
    Uint16 last_status = 0;
    cdcm_retrieve_result last_retrieve = {};
    const cdcm_receiver_callbacks *store = nullptr;  // during a C-GET

    OFCondition secure(DcmTransportLayer *layer) { return useSecureConnection(layer); }

  protected:
    OFCondition handleFINDResponse(const T_ASC_PresentationContextID presID, QRResponse *response, OFBool &waitForNextResponse) override {
        OFCondition status = DcmSCU::handleFINDResponse(presID, response, waitForNextResponse);
        last_status = response->m_status;
        if (response->m_dataset != nullptr && DICOM_PENDING_STATUS(response->m_status) && on_match != nullptr) {
            std::vector<OFString> values(tags->size());
            std::vector<const char *> pointers(tags->size());
            for (size_t i = 0; i < tags->size(); ++i) {
                if (response->m_dataset->findAndGetOFStringArray((*tags)[i], values[i]).bad()) values[i].clear();
                pointers[i] = values[i].c_str();
            }
            on_match(context, pointers.data(), pointers.size());
        }
        return status;
    }

    OFCondition handleMOVEResponse(const T_ASC_PresentationContextID presID, RetrieveResponse *response, OFBool &waitForNextResponse) override {
        OFCondition status = DcmSCU::handleMOVEResponse(presID, response, waitForNextResponse);
        remember(response);
        return status;
    }

    OFCondition handleCGETResponse(const T_ASC_PresentationContextID presID, RetrieveResponse *response, OFBool &continueCGETSession) override {
        OFCondition status = DcmSCU::handleCGETResponse(presID, response, continueCGETSession);
        remember(response);
        return status;
    }

    // Bit-preserving storage mode: each object of a C-GET comes here, with a file name of DCMTK's that
    // is not used.
    OFCondition handleSTORERequestFile(T_ASC_PresentationContextID *presID, const OFString &, T_DIMSE_C_StoreRQ *request) override {
        char path[4096] = {0};
        if (store == nullptr || store->file_for(store->context, request->AffectedSOPClassUID, request->AffectedSOPInstanceUID, path, sizeof path) != 0) {
            ignoreSTORERequest(*presID, *request);
            return EC_IllegalCall;
        }
        OFCondition received = DcmSCU::handleSTORERequestFile(presID, OFString(path), request);
        const Uint16 status = store->received(store->context, path, received.good() ? 1 : 0, received.good() ? "" : received.text());
        if (received.bad()) return received;
        return status == 0 ? EC_Normal : EC_IllegalCall;
    }

  private:
    void remember(const RetrieveResponse *response) {
        last_retrieve = {response->m_status, response->m_numberOfRemainingSubops, response->m_numberOfCompletedSubops,
                         response->m_numberOfFailedSubops, response->m_numberOfWarningSubops};
    }
};

void fill(DcmDataset &dataset, const cdcm_query_key *keys, size_t key_count, std::vector<DcmTagKey> *tags) {
    for (size_t i = 0; i < key_count; ++i) {
        DcmTagKey tag(keys[i].group, keys[i].element);
        dataset.putAndInsertString(tag, keys[i].value ? keys[i].value : "");
        if (tags) tags->push_back(tag);
    }
}

}  // namespace

struct cdcm_association {
    std::unique_ptr<DcmTransportLayer> tls;  // declared first: destroyed after the SCU that uses it
    QuerySCU scu;
    std::string peer;  // "AE at host:port", for messages
};

static std::string failure(const char *what, const cdcm_association *association, const OFCondition &condition, const std::string &log) {
    return std::string(what) + " with " + association->peer + " failed: " + condition.text() + (log.empty() ? "" : " (" + log.substr(0, 300) + ")");
}

extern "C" cdcm_status cdcm_qr_open(const cdcm_peer *peer, const char *const *storage_sop_class_uids, const char *const *storage_transfer_syntax_uids,
                                    size_t storage_count, cdcm_association **out, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (peer == nullptr || out == nullptr || peer->host == nullptr || peer->called_ae_title == nullptr || peer->calling_ae_title == nullptr) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "peer, host and AE titles are required");
        return CDCM_ERR_ARGUMENT;
    }
    *out = nullptr;
    auto association = std::make_unique<cdcm_association>();
    association->peer = std::string(peer->called_ae_title) + " at " + peer->host + ":" + std::to_string(peer->port);
    QuerySCU &scu = association->scu;
    scu.setPeerHostName(peer->host);
    scu.setPeerPort(peer->port);
    scu.setPeerAETitle(peer->called_ae_title);
    scu.setAETitle(peer->calling_ae_title);
    const Uint32 timeout = peer->timeout_seconds > 0 ? Uint32(peer->timeout_seconds) : 60;
    scu.setConnectionTimeout(Sint32(timeout));
    scu.setACSETimeout(timeout);
    scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    scu.setDIMSETimeout(timeout);
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    if (peer->tls != nullptr) {
        std::string problem;
        association->tls = cdcm::tls_layer(*peer->tls, false, &problem);
        if (!association->tls) {
            cdcm::set_error(err, CDCM_ERR_ARGUMENT, problem);
            return CDCM_ERR_ARGUMENT;
        }
    }
    std::string log;
    cdcm::capture_log(&log);
    OFCondition status = scu.addPresentationContext(UID_FINDStudyRootQueryRetrieveInformationModel, syntaxes);
    if (status.good()) status = scu.addPresentationContext(UID_MOVEStudyRootQueryRetrieveInformationModel, syntaxes);
    if (status.good() && storage_count > 0) {
        status = scu.addPresentationContext(UID_GETStudyRootQueryRetrieveInformationModel, syntaxes);
        for (size_t i = 0; i < storage_count && status.good(); ++i) {
            OFList<OFString> one;
            one.push_back(storage_transfer_syntax_uids[i]);
            status = scu.addPresentationContext(storage_sop_class_uids[i], one, ASC_SC_ROLE_SCP);
        }
        scu.setStorageMode(DCMSCU_STORAGE_BIT_PRESERVING);
    }
    if (status.good()) status = scu.initNetwork();
    if (status.good() && association->tls) status = scu.secure(association->tls.get());  // needs the network initialised
    if (status.good()) status = scu.negotiateAssociation();
    cdcm::capture_log(nullptr);
    if (status.bad()) {
        cdcm::set_error(err, CDCM_ERR_IO, failure("association", association.get(), status, log));
        return CDCM_ERR_IO;
    }
    *out = association.release();
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

extern "C" void cdcm_qr_close(cdcm_association *association) {
    if (association == nullptr) return;
    try {
        std::string log;
        cdcm::capture_log(&log);
        if (association->scu.isConnected() && association->scu.releaseAssociation().bad()) association->scu.abortAssociation();
        cdcm::capture_log(nullptr);
    } catch (...) {
        cdcm::capture_log(nullptr);
    }
    delete association;
}

namespace {

/// The accepted presentation context of `sop_class`, or 0 with the error set.
T_ASC_PresentationContextID context_for(cdcm_association *association, const char *sop_class, const char *service, cdcm_error *err) {
    const T_ASC_PresentationContextID id = association->scu.findAnyPresentationContextID(sop_class, "");
    if (id == 0) cdcm::set_error(err, CDCM_ERR_UNSUPPORTED, association->peer + " accepted no Study Root Query/Retrieve " + service);
    return id;
}

/// Runs one exchange with DCMTK's log captured; a failure names the exchange and the peer.
cdcm_status exchange(cdcm_association *association, const char *what, const std::function<OFCondition()> &send, cdcm_error *err) {
    std::string log;
    cdcm::capture_log(&log);
    OFCondition status = send();
    cdcm::capture_log(nullptr);
    if (status.good()) return CDCM_OK;
    cdcm::set_error(err, CDCM_ERR_IO, failure(what, association, status, log));
    return CDCM_ERR_IO;
}

}  // namespace

extern "C" cdcm_status cdcm_qr_find(cdcm_association *association, const cdcm_query_key *keys, size_t key_count, cdcm_find_match on_match,
                                    void *context, uint16_t *final_status, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (association == nullptr || keys == nullptr || key_count == 0 || on_match == nullptr || final_status == nullptr) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "association, keys, match callback and status are required");
        return CDCM_ERR_ARGUMENT;
    }
    const T_ASC_PresentationContextID context_id = context_for(association, UID_FINDStudyRootQueryRetrieveInformationModel, "FIND", err);
    if (context_id == 0) return CDCM_ERR_UNSUPPORTED;
    QuerySCU &scu = association->scu;
    std::vector<DcmTagKey> tags;
    DcmDataset query;
    fill(query, keys, key_count, &tags);
    scu.on_match = on_match;
    scu.context = context;
    scu.tags = &tags;
    scu.last_status = 0xFFFF;
    const cdcm_status status = exchange(association, "C-FIND", [&] { return scu.sendFINDRequest(context_id, &query, nullptr); }, err);
    scu.on_match = nullptr;
    scu.tags = nullptr;
    *final_status = scu.last_status;
    return status;
    CDCM_GUARD_END(err)
}

extern "C" cdcm_status cdcm_qr_move(cdcm_association *association, const char *destination_ae_title, const cdcm_query_key *keys, size_t key_count,
                                    cdcm_retrieve_result *result, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (association == nullptr || destination_ae_title == nullptr || keys == nullptr || key_count == 0 || result == nullptr) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "association, destination, keys and result are required");
        return CDCM_ERR_ARGUMENT;
    }
    const T_ASC_PresentationContextID context_id = context_for(association, UID_MOVEStudyRootQueryRetrieveInformationModel, "MOVE", err);
    if (context_id == 0) return CDCM_ERR_UNSUPPORTED;
    QuerySCU &scu = association->scu;
    DcmDataset query;
    fill(query, keys, key_count, nullptr);
    scu.last_retrieve = {0xFFFF, 0, 0, 0, 0};
    const cdcm_status status =
        exchange(association, "C-MOVE", [&] { return scu.sendMOVERequest(context_id, destination_ae_title, &query, nullptr); }, err);
    *result = scu.last_retrieve;
    return status;
    CDCM_GUARD_END(err)
}

extern "C" cdcm_status cdcm_qr_get(cdcm_association *association, const cdcm_query_key *keys, size_t key_count, const cdcm_receiver_callbacks *callbacks,
                                   cdcm_retrieve_result *result, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (association == nullptr || keys == nullptr || key_count == 0 || callbacks == nullptr || callbacks->file_for == nullptr ||
        callbacks->received == nullptr || result == nullptr) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "association, keys, callbacks and result are required");
        return CDCM_ERR_ARGUMENT;
    }
    const T_ASC_PresentationContextID context_id = context_for(association, UID_GETStudyRootQueryRetrieveInformationModel, "GET", err);
    if (context_id == 0) return CDCM_ERR_UNSUPPORTED;
    QuerySCU &scu = association->scu;
    DcmDataset query;
    fill(query, keys, key_count, nullptr);
    scu.last_retrieve = {0xFFFF, 0, 0, 0, 0};
    scu.store = callbacks;
    const cdcm_status status = exchange(association, "C-GET", [&] { return scu.sendCGETRequest(context_id, &query, nullptr); }, err);
    scu.store = nullptr;
    *result = scu.last_retrieve;
    return status;
    CDCM_GUARD_END(err)
}
