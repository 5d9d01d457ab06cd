// A DICOM Storage SCP over DCMTK's dcmnet: a listening port that hands out association requests, and
// DcmThreadSCP to serve each one on the thread Swift chooses: C-ECHO as DCMTK answers it, C-STORE
// received straight into the file Swift names and answered with the status Swift returns. How many
// associations run at once, and when to stop, is Swift's decision. Several threads may wait on one
// listener: its socket does not block, so the threads that lose the race for a connection go back to
// waiting, and a connection that stalls before its association request holds up only its own thread.
// A transport layer of the listener's own sees each connection as it is accepted, before its request
// (or TLS handshake) is read: it tells the waiting thread's caller, and keeps a copy of the socket so
// that `cdcm_listener_interrupt` can end every read still under way.
#include "shim_internal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "dcmtk/dcmnet/dulstruc.h"
#include "dcmtk/dcmnet/scpthrd.h"

struct cdcm_listener {
    T_ASC_Network *network = nullptr;
    std::unique_ptr<DcmTransportLayer> tls;    // outlives the network that uses it
    std::unique_ptr<DcmTransportLayer> watch;  // the network's transport layer: sees each accepted connection
    std::mutex reading_lock;
    std::vector<int> reading;                  // copies of the sockets whose request is being read
    bool interrupted = false;                  // reads end at once, those under way and those to come
    DcmSharedSCPConfig config;               // AE title, presentation contexts, timeouts; read by every association
    uint16_t port = 0;
    bool other_classes = false;              // also every other abstract syntax proposed
};

struct cdcm_incoming {
    T_ASC_Association *association = nullptr;
};

namespace {

/// What the thread inside `cdcm_listener_wait` was given, for the transport layer DCMTK calls on it.
struct WaitingThread {
    cdcm_listener *listener = nullptr;
    void (*connected)(void *context) = nullptr;
    void *context = nullptr;
    int reading = -1;  // the copy of the accepted socket, once there is one
};
thread_local WaitingThread waiting;

/// The listener's transport layer: DCMTK asks it for each accepted socket's connection object (plain
/// TCP, or TLS from `inner`) before it reads anything from the socket.
class ConnectionWatch : public DcmTransportLayer {
  public:
    ConnectionWatch(cdcm_listener *listener, DcmTransportLayer *inner) : listener_(listener), inner_(inner) {}

    DcmTransportConnection *createConnection(DcmNativeSocketType socket, OFBool secure) override {
        if (waiting.listener == listener_ && waiting.reading < 0) {
            // A copy of the descriptor: DCMTK closes its own when it gives up, and the number may be reused.
            const int copy = dup(socket);
            if (copy >= 0) {
                std::lock_guard<std::mutex> guard(listener_->reading_lock);
                if (listener_->interrupted) shutdown(copy, SHUT_RDWR);
                listener_->reading.push_back(copy);
                waiting.reading = copy;
            }
            if (waiting.connected != nullptr) waiting.connected(waiting.context);
        }
        return inner_ != nullptr ? inner_->createConnection(socket, secure) : DcmTransportLayer::createConnection(socket, secure);
    }

  private:
    cdcm_listener *listener_;
    DcmTransportLayer *inner_;  // nullptr: plain TCP
};

class Receiver : public DcmThreadSCP {
  public:
    /// `association`: the one `run` will serve (DcmSCP keeps its own pointer to it private).
    Receiver(const cdcm_receiver_callbacks &callbacks, bool other_classes, T_ASC_Association *association)
        : callbacks_(callbacks), other_classes_(other_classes), association_(association) {}

  protected:
    // The configured classes as configured (their transfer syntaxes in the order given), then, when
    // asked, every other context proposed: in Explicit VR Little Endian, else Implicit VR Little
    // Endian, else the first transfer syntax proposed (the object is stored as sent, never decoded).
    OFCondition negotiateAssociation() override {
        OFCondition result = DcmThreadSCP::negotiateAssociation();
        if (result.bad() || !other_classes_) return result;
        T_ASC_Parameters *params = association_->params;
        const int count = ASC_countPresentationContexts(params);
        for (int i = 0; i < count && result.good(); ++i) {
            T_ASC_PresentationContext context;
            result = ASC_getPresentationContext(params, i, &context);
            if (result.bad() || context.resultReason == ASC_P_ACCEPTANCE || context.transferSyntaxCount == 0) continue;
            auto proposed = [&context](const char *uid) {
                for (int t = 0; t < context.transferSyntaxCount; ++t)
                    if (strcmp(context.proposedTransferSyntaxes[t], uid) == 0) return true;
                return false;
            };
            const char *chosen = proposed(UID_LittleEndianExplicitTransferSyntax)   ? UID_LittleEndianExplicitTransferSyntax
                                 : proposed(UID_LittleEndianImplicitTransferSyntax) ? UID_LittleEndianImplicitTransferSyntax
                                                                                    : context.proposedTransferSyntaxes[0];
            result = ASC_acceptPresentationContext(params, context.presentationContextID, chosen);
        }
        return result;
    }

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
        acknowledged_ = getPeerAETitle();
        if (callbacks_.association) callbacks_.association(callbacks_.context, acknowledged_.c_str(), 1);
    }

    // DCMTK tells this for refused associations too, and twice for one it served: only the end of an
    // acknowledged one goes to Swift, once.
    void notifyAssociationTermination() override {
        if (acknowledged_.empty()) return;
        if (callbacks_.association) callbacks_.association(callbacks_.context, acknowledged_.c_str(), 0);
        acknowledged_.clear();
    }

    OFBool checkCallingAETitleAccepted(const OFString &callingAE) override {
        return callbacks_.accepts_calling_ae == nullptr || callbacks_.accepts_calling_ae(callbacks_.context, callingAE.c_str()) != 0;
    }

  private:
    cdcm_receiver_callbacks callbacks_;
    bool other_classes_;
    T_ASC_Association *association_;
    OFString acknowledged_;  // the calling AE title of the association being served
};

void drop(T_ASC_Association *association) {
    if (association == nullptr) return;
    ASC_dropAssociation(association);
    ASC_destroyAssociation(&association);
}

}  // namespace

extern "C" cdcm_status cdcm_listener_open(uint16_t port, const char *ae_title, const char *const *sop_class_uids, size_t sop_class_count,
                                          const char *const *transfer_syntax_uids, size_t transfer_syntax_count, int32_t other_classes,
                                          const cdcm_tls *tls, cdcm_listener **out, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (ae_title == nullptr || out == nullptr || sop_class_count == 0 || transfer_syntax_count == 0) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "AE title, SOP classes, transfer syntaxes and a result pointer are required");
        return CDCM_ERR_ARGUMENT;
    }
    *out = nullptr;
    auto listener = std::make_unique<cdcm_listener>();
    listener->port = port;
    listener->other_classes = other_classes != 0;
    if (tls != nullptr) {
        std::string problem;
        listener->tls = cdcm::tls_layer(*tls, true, &problem);
        if (!listener->tls) {
            cdcm::set_error(err, CDCM_ERR_ARGUMENT, problem);
            return CDCM_ERR_ARGUMENT;
        }
    }
    DcmSCPConfig &config = *listener->config;
    config.setPort(port);
    config.setAETitle(ae_title);
    config.setConnectionBlockingMode(DUL_NOBLOCK);
    config.setACSETimeout(30);
    config.setDIMSETimeout(60);
    config.setHostLookupEnabled(OFFalse);
    if (listener->tls) config.setTransportLayer(listener->tls.get());
    OFList<OFString> syntaxes;
    for (size_t i = 0; i < transfer_syntax_count; ++i) syntaxes.push_back(transfer_syntax_uids[i]);
    OFCondition status = config.addPresentationContext(UID_VerificationSOPClass, syntaxes);
    for (size_t i = 0; i < sop_class_count && status.good(); ++i) status = config.addPresentationContext(sop_class_uids[i], syntaxes);
    if (status.good()) status = ASC_initializeNetwork(NET_ACCEPTOR, port, config.getACSETimeout(), &listener->network);
    listener->watch = std::make_unique<ConnectionWatch>(listener.get(), listener->tls.get());
    if (status.good()) status = ASC_setTransportLayer(listener->network, listener->watch.get(), 0);
    if (status.good()) {
        // Accepted sockets do not inherit O_NONBLOCK (Linux accept(2)); only the race for a connection
        // between waiting threads sees it.
        const int socket = reinterpret_cast<PRIVATE_NETWORKKEY *>(listener->network->network)->networkSpecific.TCP.listenSocket;
        const int flags = fcntl(socket, F_GETFL);
        if (flags < 0 || fcntl(socket, F_SETFL, flags | O_NONBLOCK) < 0) {
            status = makeOFCondition(OFM_dcmnet, 0x0999, OF_error, (std::string("cannot make the socket non-blocking: ") + strerror(errno)).c_str());
        }
    }
    if (status.bad()) {
        if (listener->network != nullptr) ASC_dropNetwork(&listener->network);
        cdcm::set_error(err, CDCM_ERR_IO, std::string("cannot receive on port ") + std::to_string(port) + ": " + status.text());
        return CDCM_ERR_IO;
    }
    *out = listener.release();
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

extern "C" cdcm_status cdcm_listener_wait(cdcm_listener *listener, int32_t timeout_seconds, void (*connected)(void *context), void *context,
                                          cdcm_incoming **out, cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (listener == nullptr || out == nullptr) {
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "listener and result pointer are required");
        return CDCM_ERR_ARGUMENT;
    }
    *out = nullptr;
    std::string log;
    cdcm::capture_log(&log);  // DCMTK's log lines of this thread stay out of the process's output
    T_ASC_Association *association = nullptr;
    const DcmSCPConfig &config = *listener->config;
    waiting = WaitingThread{listener, connected, context, -1};
    OFCondition status = ASC_receiveAssociation(listener->network, &association, config.getMaxReceivePDULength(), nullptr, nullptr,
                                                listener->tls ? OFTrue : OFFalse, DUL_NOBLOCK, timeout_seconds);
    const int accept_error = errno;
    if (waiting.reading >= 0) {
        std::lock_guard<std::mutex> guard(listener->reading_lock);
        listener->reading.erase(std::remove(listener->reading.begin(), listener->reading.end(), waiting.reading), listener->reading.end());
        close(waiting.reading);
    }
    waiting = WaitingThread{};
    cdcm::capture_log(nullptr);
    if (status.good()) {
        *out = new cdcm_incoming{association};
        return CDCM_OK;
    }
    // Another thread accepted the connection this one was woken for (the socket does not block).
    const bool lost_race = status.code() == DULC_TCPINITERROR && (accept_error == EAGAIN || accept_error == EWOULDBLOCK)
                           && std::strstr(status.text(), "accept failed") != nullptr;
    if (status == DUL_NOASSOCIATIONREQUEST || lost_race) {
        ASC_destroyAssociation(&association);
        return CDCM_OK;
    }
    drop(association);  // bytes that are not an association request, a failed TLS handshake, a closed connection
    cdcm::set_error(err, CDCM_ERR_IO, std::string("a connection to port ") + std::to_string(listener->port) + " was not an association request: "
                                          + status.text() + (log.empty() ? "" : " (" + log.substr(0, 300) + ")"));
    return CDCM_ERR_IO;
    CDCM_GUARD_END(err)
}

extern "C" cdcm_status cdcm_listener_serve(cdcm_listener *listener, cdcm_incoming *incoming, const cdcm_receiver_callbacks *callbacks,
                                           cdcm_error *err) {
    CDCM_GUARD_BEGIN
    if (listener == nullptr || incoming == nullptr || callbacks == nullptr || callbacks->file_for == nullptr || callbacks->received == nullptr) {
        if (incoming != nullptr) cdcm_listener_refuse(incoming);
        cdcm::set_error(err, CDCM_ERR_ARGUMENT, "listener, association and callbacks are required");
        return CDCM_ERR_ARGUMENT;
    }
    std::unique_ptr<cdcm_incoming> owned(incoming);
    std::string log;
    cdcm::capture_log(&log);
    Receiver receiver(*callbacks, listener->other_classes, owned->association);
    OFCondition status = receiver.setSharedConfig(listener->config);
    if (status.good()) status = receiver.run(owned->association);  // negotiates, serves, drops and destroys it
    else drop(owned->association);
    cdcm::capture_log(nullptr);
    if (status.bad()) {
        cdcm::set_error(err, CDCM_ERR_IO, std::string("association ended: ") + status.text() + (log.empty() ? "" : " (" + log.substr(0, 300) + ")"));
        return CDCM_ERR_IO;
    }
    return CDCM_OK;
    CDCM_GUARD_END(err)
}

extern "C" const char *cdcm_incoming_calling_ae(const cdcm_incoming *incoming) {
    if (incoming == nullptr || incoming->association == nullptr || incoming->association->params == nullptr) return "";
    return incoming->association->params->DULparams.callingAPTitle;
}

extern "C" void cdcm_listener_refuse(cdcm_incoming *incoming) {
    if (incoming == nullptr) return;
    std::unique_ptr<cdcm_incoming> owned(incoming);
    std::string log;
    cdcm::capture_log(&log);
    try {
        T_ASC_RejectParameters rejection;
        rejection.result = ASC_RESULT_REJECTEDTRANSIENT;  // PS3.8 §9.3.4: the sender may try again later
        rejection.source = ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED;
        rejection.reason = ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED;
        ASC_rejectAssociation(owned->association, &rejection);
        drop(owned->association);
    } catch (...) {
        // a rejection that could not be sent: the sender sees the connection close
    }
    cdcm::capture_log(nullptr);
}

extern "C" void cdcm_listener_interrupt(cdcm_listener *listener) {
    if (listener == nullptr) return;
    std::lock_guard<std::mutex> guard(listener->reading_lock);
    listener->interrupted = true;
    for (int socket : listener->reading) shutdown(socket, SHUT_RDWR);
}

extern "C" void cdcm_listener_close(cdcm_listener *listener) {
    if (listener == nullptr) return;
    if (listener->network != nullptr) ASC_dropNetwork(&listener->network);
    delete listener;
}
