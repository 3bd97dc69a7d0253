// Fuzz target "token_response": what a token endpoint answers (RFC 6749 5.1 tokens, 5.2 errors, HTML
// pages, redirects...). Byte 0 picks the client's authentication method (bits 0-1, so secret-bearing
// requests meet hostile answers too) and, with bit 0x80, a token manager that puts the token into an
// Authorization header (m2mauth_token_manager_authorize) instead of a bare m2mauth_token_client_fetch.
// The rest is a peer response (fuzz_support.hpp, read_response: status and headers from three bytes,
// then the body) that an application transport gives to every request; then the token's fields or the
// error record are read.
#include <string>

#include "fixed_keys.hpp"
#include "fuzz_support.hpp"

namespace {

struct Fixture {
  m2mauth_key *signing = nullptr;
  Fixture() { m2mauth_key_from_jwk(&signing, fuzz::kFixedEcPrivateJwk); }
};

Fixture &fixture() {
  static Fixture &f = *new Fixture;  // never destroyed: its handles live until the process ends
  return f;
}

void read_token(const m2mauth_token *t) {
  fuzz::touch(m2mauth_token_access_token(t));
  fuzz::touch(m2mauth_token_type(t));
  fuzz::touch(m2mauth_token_scope(t));
  int64_t times[] = {m2mauth_token_expires_at(t), m2mauth_token_issued_at(t)};
  fuzz::touch(times, sizeof times);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Fixture &f = fixture();
  fuzz::Reader r(data, size);
  const uint8_t mode = r.byte();
  fuzz::PeerTransport peer(fuzz::read_response(r));
  if (peer.http == nullptr) return 0;

  m2mauth_token_client *client = nullptr;
  if (m2mauth_token_client_new(&client, "https://as.example.com/token", "fuzz-client", peer.http) != M2MAUTH_OK) return 0;
  m2mauth_token_client_set_clock(client, fuzz::fixed_clock, nullptr, nullptr);
  m2mauth_token_client_set_scope(client, "api.read");
  switch (mode % 4) {
    case 0:
      m2mauth_token_client_set_secret(client, "fuzz-client-secret");
      break;
    case 1:
      m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_CLIENT_SECRET_POST);
      m2mauth_token_client_set_secret(client, "fuzz-client-secret");
      break;
    case 2:
      m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_PRIVATE_KEY_JWT);
      m2mauth_token_client_set_private_key(client, f.signing);
      break;
    default:
      m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_NONE);
      break;
  }

  if (mode & 0x80) {
    m2mauth_token_manager_options opts = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
    opts.caller_refresh = 1;
    opts.wait_timeout_ms = 1000;
    m2mauth_token_manager *manager = nullptr;
    if (m2mauth_token_manager_new(&manager, client, &opts) == M2MAUTH_OK) {
      m2mauth_request *req = nullptr;
      if (m2mauth_request_new(&req, "GET", "https://api.example.com/resource") == M2MAUTH_OK) {
        if (m2mauth_token_manager_authorize(manager, req) == M2MAUTH_OK) fuzz::touch(m2mauth_request_header(req, "Authorization"));
        else fuzz::touch_error();
      }
      m2mauth_request_free(req);
    }
    m2mauth_token_manager_free(manager);
  } else {
    m2mauth_token *token = nullptr;
    if (m2mauth_token_client_fetch(&token, client) == M2MAUTH_OK) read_token(token);
    else fuzz::touch_error();
    m2mauth_token_free(token);
  }
  m2mauth_token_client_free(client);
  return 0;
}
