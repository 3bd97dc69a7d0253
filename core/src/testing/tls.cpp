// The test server's TLS context and its self-signed certificate.
#include "testing/tls.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "base/ossl.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/random.hpp"

namespace m2mauth::core::testing {

namespace {

int accept_any(int, X509_STORE_CTX *) { return 1; }

void add_extension(X509 *x509, int nid, const char *value) {
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x509, x509, nullptr, nullptr, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
  if (ext == nullptr) ossl::throw_error(Errc::generic, "cannot build the test certificate");
  X509_add_ext(x509, ext, -1);
  X509_EXTENSION_free(ext);
}

}  // namespace

TlsContext make_tls_context(const Key &key, bool request_client_cert) {
  ossl::X509Ptr x509(X509_new());
  if (!x509) throw std::bad_alloc();
  X509_set_version(x509.get(), 2);
  std::string serial = random_bytes(16);
  serial[0] = static_cast<char>(serial[0] & 0x7f);
  ossl::BigNum bn(BN_bin2bn(reinterpret_cast<const unsigned char *>(serial.data()), 16, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x509.get()))) throw std::bad_alloc();
  X509_gmtime_adj(X509_getm_notBefore(x509.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(x509.get()), 86400L);
  X509_NAME *name = X509_get_subject_name(x509.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char *>("m2mauth test server"), -1, -1, 0);
  X509_set_issuer_name(x509.get(), name);
  X509_set_pubkey(x509.get(), key.evp());
  add_extension(x509.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  add_extension(x509.get(), NID_basic_constraints, "critical,CA:TRUE");
  if (X509_sign(x509.get(), key.evp(), ossl::sha256()) <= 0)
    ossl::throw_error(Errc::generic, "cannot sign the test certificate");

  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) ossl::throw_error(Errc::tls, "cannot create the TLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (SSL_CTX_use_certificate(ctx.get(), x509.get()) != 1 || SSL_CTX_use_PrivateKey(ctx.get(), key.evp()) != 1)
    ossl::throw_error(Errc::tls, "cannot load the test certificate");
  // Resumed sessions (clients keep them) need a session id context once peers are verified.
  static const unsigned char kSessionContext[] = "m2mauth-testserver";
  SSL_CTX_set_session_id_context(ctx.get(), kSessionContext, sizeof kSessionContext - 1);
  if (request_client_cert) SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, accept_any);
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), x509.get()) != 1) throw std::bad_alloc();
  return TlsContext{std::move(ctx), ossl::bio_string(bio.get())};
}

bool peer_certificate(SSL *ssl, std::string &subject, std::string &thumbprint) {
  if (ssl == nullptr) return false;
  X509 *peer = SSL_get1_peer_certificate(ssl);
  if (peer == nullptr) return false;
  unsigned char *der = nullptr;
  int len = i2d_X509(peer, &der);
  X509_free(peer);
  if (len <= 0) return false;
  std::string bytes(reinterpret_cast<char *>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  Certificate cert = Certificate::from_der(bytes);
  subject = cert.subject();
  thumbprint = cert.fingerprint(HashAlg::sha256, FingerprintFormat::base64url);
  return true;
}

}  // namespace m2mauth::core::testing
