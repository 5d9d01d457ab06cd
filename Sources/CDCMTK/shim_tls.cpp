// TLS transport layers for the receiver and the query/retrieve SCU (DCMTK's dcmtls over OpenSSL): the
// files and the profile Swift names, loaded and checked here. No decisions.
#include "shim_internal.hpp"

#include "dcmtk/dcmtls/tlslayer.h"

namespace cdcm {

std::unique_ptr<DcmTransportLayer> tls_layer(const cdcm_tls &tls, bool acceptor, std::string *error) {
    auto layer = std::make_unique<DcmTLSTransportLayer>(acceptor ? NET_ACCEPTOR : NET_REQUESTOR, nullptr, OFTrue);
    auto failed = [&](const std::string &what, const OFCondition &condition) {
        *error = what + ": " + condition.text();
        return nullptr;
    };
    OFCondition status = layer->setTLSProfile(TSP_Profile_BCP195_ND);
    if (status.good()) status = layer->activateCipherSuites();
    if (status.bad()) return failed("cannot set up TLS", status);
    if (tls.private_key_file != nullptr) {
        status = layer->setPrivateKeyFile(tls.private_key_file, DCF_Filetype_PEM);
        if (status.bad()) return failed(std::string("cannot load the TLS private key ") + tls.private_key_file, status);
    }
    if (tls.certificate_file != nullptr) {
        status = layer->setCertificateFile(tls.certificate_file, DCF_Filetype_PEM);
        if (status.bad()) return failed(std::string("cannot load the TLS certificate ") + tls.certificate_file, status);
    }
    if (tls.private_key_file != nullptr && tls.certificate_file != nullptr && !layer->checkPrivateKeyMatchesCertificate()) {
        *error = std::string("the TLS private key ") + tls.private_key_file + " does not match the certificate " + tls.certificate_file;
        return nullptr;
    }
    for (size_t i = 0; i < tls.trusted_certificate_count; ++i) {
        status = layer->addTrustedCertificateFile(tls.trusted_certificate_files[i], DCF_Filetype_PEM);
        if (status.bad()) return failed(std::string("cannot load the trusted certificate ") + tls.trusted_certificate_files[i], status);
    }
    layer->setCertificateVerification(tls.trusted_certificate_count > 0 ? DCV_requireCertificate : DCV_ignoreCertificate);
    return layer;
}

}  // namespace cdcm
