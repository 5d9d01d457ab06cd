// A DICOM Storage SCP over DCMTK's DcmSCP: C-ECHO as DCMTK answers it, C-STORE received straight into
// the file Swift names, and answered with the status Swift returns. No decisions here.
#include "shim_internal.hpp"

#include "dcmtk/dcmnet/scp.h"

namespace {

class Receiver : public DcmSCP {
  public:
    Receiver(const cdcm_receiver_callbacks &callbacks, const volatile int32_t *stop) : callbacks_(callbacks), stop_(stop) {}

  protected:
    OFCondition handleIncomingCommand(T_DIMSE_Message *message, const DcmPresentationContextInfo &context) override {
        if (message->CommandField != DIMSE_C_STORE_RQ) return DcmSCP::handleIncomingCommand(message, context);
        T_DIMSE_C_StoreRQ &request = message->msg.CStoreRQ;
        char path[4096] = {0};
        if (callbacks_.file_for(callbacks_.context, request.AffectedSOPClassUID, request.AffectedSOPInstanceUID, path, sizeof path) != 0) {
            DcmDataset *discarded = nullptr;  // the data set follows the command whatever the answer
            OFCondition received = receiveSTORERequest(request, context.presentationContextID, discarded);
            delete discarded;
            if (received.bad()) return received;
            return sendSTOREResponse(context.presentationContextID, request, STATUS_STORE_Refused_OutOfResources);
        }
        OFCondition received = receiveSTORERequest(request, context.presentationContextID, OFString(path));
        const Uint16 status = callbacks_.received(callbacks_.context, path, received.good() ? 1 : 0, received.good() ? "" : received.text());
        if (received.bad()) return received;  // the association is broken: nothing to answer on
        return sendSTOREResponse(context.presentationContextID, request, status);
    }

    void notifyAssociationAcknowledge() override {
        if (callbacks_.association) callbacks_.association(callbacks_.context, getPeerAETitle().c_str(), 1);
    }

    void notifyAssociationTermination() override {
        if (callbacks_.association) callbacks_.association(callbacks_.context, getPeerAETitle().c_str(), 0);
    }

    OFBool checkCallingAETitleAccepted(const OFString &callingAE) override {
        return callbacks_.accepts_calling_ae == nullptr || callbacks_.accepts_calling_ae(callbacks_.context, callingAE.c_str()) != 0;
    }

    OFBool stopAfterConnectionTimeout() override { return *stop_ != 0; }
    OFBool stopAfterCurrentAssociation() override { return *stop_ != 0; }

  private:
    cdcm_receiver_callbacks callbacks_;
    const volatile int32_t *stop_;
};

}  // namespace

extern "C" cdcm_status cdcm_receive(uint16_t port, const char *ae_title, const char *const *sop_class_uids, size_t sop_class_count,
                                    const char *const *transfer_syntax_uids, size_t transfer_syntax_count,
                                    const cdcm_receiver_callbacks *callbacks, const cdcm_tls *tls, const volatile int32_t *stop, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (ae_title == nullptr || callbacks == nullptr || callbacks->file_for == nullptr || callbacks->received == nullptr ||
        stop == nullptr || sop_class_count == 0 || transfer_syntax_count == 0) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "AE title, callbacks, stop flag, SOP classes and transfer syntaxes are required");
        return CDCM_ERR_ARGUMENT;
    }
    std::string log;
    cdcm::capture_log(&log);  // DCMTK's log lines of this thread stay out of the process's output
    std::unique_ptr<DcmTransportLayer> layer;  // outlives the receiver that uses it
    if (tls != nullptr) {
        std::string problem;
        layer = cdcm::tls_layer(*tls, true, &problem);
        if (!layer) {
            cdcm::capture_log(nullptr);
            cdcm::set_error(err, CDCM_ERR_ARGUMENT, problem);
            return CDCM_ERR_ARGUMENT;
        }
    }
    Receiver receiver(*callbacks, stop);
    if (layer) receiver.getConfig().setTransportLayer(layer.get());
    receiver.setPort(port);
    receiver.setAETitle(ae_title);
    receiver.setConnectionBlockingMode(DUL_NOBLOCK);
    receiver.setConnectionTimeout(1);
    receiver.setACSETimeout(30);
    receiver.setDIMSETimeout(60);
    receiver.setHostLookupEnabled(OFFalse);
    OFList<OFString> syntaxes;
    for (size_t i = 0; i < transfer_syntax_count; ++i) syntaxes.push_back(transfer_syntax_uids[i]);
    OFCondition status = receiver.addPresentationContext(UID_VerificationSOPClass, syntaxes);
    for (size_t i = 0; i < sop_class_count && status.good(); ++i) status = receiver.addPresentationContext(sop_class_uids[i], syntaxes);
    if (status.good()) status = receiver.openListenPort();
    if (status.good() && callbacks->listening) callbacks->listening(callbacks->context);
    if (status.good()) status = receiver.acceptAssociations();
    cdcm::capture_log(nullptr);
    if (status == NET_EC_StopAfterConnectionTimeout || status == NET_EC_StopAfterAssociation) return CDCM_OK;  // as asked
    if (status.bad()) {
        cdcm::set_error(err, CDCM_ERR_IO, std::string("cannot receive on port ") + std::to_string(port) + ": " + status.text()
                                              + (log.empty() ? "" : " (" + log.substr(0, 300) + ")"));
        return CDCM_ERR_IO;
    }
    return CDCM_OK;
    CDCM_GUARD_END(err)
}
