// Fuzz target "a2a": what a senhasegura A2A server answers (the response envelope, vendor errors,
// protected values). Byte 0 picks the call and the client:
//   bits 0-2: credential, info, ssh_key, dsm_application, m2mauth_a2a_call GET, the same with
//             M2MAUTH_A2A_NO_DECRYPT, m2mauth_a2a_decrypt of the body as a protected value;
//   bits 3-4: OAuth 1.0 (no token request), query, OAuth 2.0 (the token request gets the same answer);
//   bit 5:    with the decryption key (fixed_keys.hpp: the vectors' RSA-2048 key).
// The rest is a peer response (fuzz_support.hpp, read_response) given to every request through an
// application transport.
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  m2mauth_key *const fixed_key = fuzz::fixed_rsa_private_key();
  fuzz::Reader r(data, size);
  const uint8_t mode = r.byte();
  fuzz::PeerTransport peer(fuzz::read_response(r));
  if (peer.http == nullptr) return 0;

  const int call = mode & 7;
  if (call == 6 || call == 7) {
    if (fixed_key == nullptr) return 0;
    fuzz::Buf plain;
    const std::string value(peer.response.body.c_str());
    if (m2mauth_a2a_decrypt(&plain, fixed_key, value.c_str()) == M2MAUTH_OK) plain.touch_all();
    else fuzz::touch_error();
    return 0;
  }

  m2mauth_a2a *a2a = nullptr;
  if (m2mauth_a2a_new(&a2a, "https://vault.example.com", peer.http) != M2MAUTH_OK) return 0;
  m2mauth_a2a_set_clock(a2a, fuzz::fixed_clock, nullptr, nullptr);
  const int auth = (mode >> 3) & 3;
  if (auth == 0 || auth == 1) {
    m2mauth_a2a_set_auth_method(a2a, auth == 0 ? M2MAUTH_A2A_OAUTH1 : M2MAUTH_A2A_QUERY);
    m2mauth_a2a_oauth1_credentials cred = M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT;
    cred.consumer_key = "fuzz-consumer";
    cred.consumer_secret = "fuzz-consumer-secret";
    cred.token = "fuzz-token";
    cred.token_secret = "fuzz-token-secret";
    m2mauth_a2a_set_oauth1_credentials(a2a, &cred);
  } else {
    m2mauth_a2a_set_oauth2_client(a2a, "fuzz-client", "fuzz-client-secret");
    m2mauth_token_manager_options opts = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
    opts.caller_refresh = 1;
    opts.wait_timeout_ms = 1000;
    m2mauth_a2a_set_manager_options(a2a, &opts);
  }
  if (mode & 0x20) m2mauth_a2a_set_decryption_key(a2a, fixed_key);

  fuzz::Buf out;
  m2mauth_status rc;
  switch (call) {
    case 0: rc = m2mauth_a2a_credential(&out, a2a, "dbadmin@db01.example.com"); break;
    case 1: rc = m2mauth_a2a_info(&out, a2a, "42"); break;
    case 2: rc = m2mauth_a2a_ssh_key(&out, a2a, "7"); break;
    case 3: rc = m2mauth_a2a_dsm_application(&out, a2a); break;
    case 4: rc = m2mauth_a2a_call(&out, a2a, "GET", "pam/credential/1", "{\"page\":1}", 0); break;
    default: rc = m2mauth_a2a_call(&out, a2a, "POST", "pam/credential", "{\"name\":\"x\"}", M2MAUTH_A2A_NO_DECRYPT); break;
  }
  if (rc == M2MAUTH_OK) out.touch_all();
  else fuzz::touch_error();
  m2mauth_a2a_free(a2a);
  return 0;
}
