#include "curl/tls.hpp"

#include <openssl/ssl.h>

namespace m2mauth::core::curl {

namespace {

// The SSL_CTX libcurl makes for a connection points back to the easy handle that owns the
// connection (connections are per easy handle here: the share never holds them).
int handle_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int on_client_cert(SSL *ssl, X509 **, EVP_PKEY **) {
  auto *h = static_cast<PooledEasy *>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), handle_index()));
  if (h != nullptr) h->client_cert_requested = true;
  return 0;  // no certificate to offer
}

CURLcode on_ssl_ctx(CURL *, void *ssl_ctx, void *handle) {
  auto *ctx = static_cast<SSL_CTX *>(ssl_ctx);
  if (handle_index() >= 0 && SSL_CTX_set_ex_data(ctx, handle_index(), handle) == 1)
    SSL_CTX_set_client_cert_cb(ctx, &on_client_cert);
  return CURLE_OK;  // without the hook only the diagnosis is lost
}

}  // namespace

void watch_client_cert_requests(PooledEasy &h) {
  CURL *e = h.easy.get();
  if (curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &on_ssl_ctx) == CURLE_OK)
    (void)curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, static_cast<void *>(&h));
}

}  // namespace m2mauth::core::curl
