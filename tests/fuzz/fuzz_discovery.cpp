// Fuzz target "discovery": authorization server metadata (RFC 8414, OpenID Connect Discovery). The
// input is a peer response (fuzz_support.hpp, read_response) given to every request of
// m2mauth_token_client_discover through an application transport: both well-known URLs, then, when
// discovery succeeds, the token request it leads to. Byte 0 picks the issuer (with or without a path).
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::Reader r(data, size);
  static const char *const issuers[] = {"https://issuer.example.com", "https://issuer.example.com/tenant/v2",
                                        "https://issuer.example.com:8443/", "http://127.0.0.1:9/realms/x"};
  const char *issuer = issuers[r.byte() % 4];
  fuzz::PeerTransport peer(fuzz::read_response(r));
  if (peer.http == nullptr) return 0;
  m2mauth_token_client *client = nullptr;
  if (m2mauth_token_client_discover(&client, issuer, "fuzz-client", peer.http) == M2MAUTH_OK) {
    m2mauth_token_client_set_secret(client, "fuzz-client-secret");
    m2mauth_token_client_set_clock(client, fuzz::fixed_clock, nullptr, nullptr);
    m2mauth_token *token = nullptr;
    if (m2mauth_token_client_fetch(&token, client) == M2MAUTH_OK) fuzz::touch(m2mauth_token_access_token(token));
    else fuzz::touch_error();
    m2mauth_token_free(token);
  } else {
    fuzz::touch_error();
  }
  m2mauth_token_client_free(client);
  return 0;
}
