// Fuzz target "oauth1": OAuth 1.0 URL and parameter normalisation (RFC 5849 3.4.1). A request built
// from the input is signed; the base string and the signature are computed for it.
//   byte 0: bits 0-2 the method (HMAC-SHA1, HMAC-SHA256, PLAINTEXT, RSA-SHA1, RSA-SHA256, then
//           HMAC-SHA1 again), bits 3-4 the placement (header, query, body, header), bit 5 omit
//           oauth_version, bit 6 sign oauth_body_hash, bit 7 no token (two-legged);
//   then NUL-separated text fields: HTTP method, URL, Content-Type, realm, an extra "oauth_" parameter
//   name and its value, callback, verifier; the rest is the body (any bytes).
// Nonce and timestamp are fixed, so a result depends on the input only.
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  m2mauth_key *const fixed_key = fuzz::fixed_rsa_private_key();
  fuzz::Reader r(data, size);
  const uint8_t mode = r.byte();
  const std::string method = r.text(), url = r.text(), content_type = r.text(), realm = r.text();
  const std::string param = r.text(), param_value = r.text(), callback = r.text(), verifier = r.text();
  const std::string body = r.rest();

  m2mauth_request *req = nullptr;
  if (m2mauth_request_new(&req, method.c_str(), url.c_str()) != M2MAUTH_OK) {
    fuzz::touch_error();
    return 0;
  }
  if (!content_type.empty()) m2mauth_request_set_header(req, "Content-Type", content_type.c_str());
  if (!body.empty()) m2mauth_request_set_body(req, fuzz::bytes(body), body.size());

  m2mauth_oauth1 *s = nullptr;
  if (m2mauth_oauth1_new(&s, "dpf43f3p2l4k3l03") != M2MAUTH_OK) {
    m2mauth_request_free(req);
    return 0;
  }
  static const int methods[] = {M2MAUTH_OAUTH1_HMAC_SHA1, M2MAUTH_OAUTH1_HMAC_SHA256, M2MAUTH_OAUTH1_PLAINTEXT,
                                M2MAUTH_OAUTH1_RSA_SHA1,  M2MAUTH_OAUTH1_RSA_SHA256,  M2MAUTH_OAUTH1_HMAC_SHA1,
                                M2MAUTH_OAUTH1_HMAC_SHA1, M2MAUTH_OAUTH1_HMAC_SHA256};
  static const int placements[] = {M2MAUTH_OAUTH1_IN_HEADER, M2MAUTH_OAUTH1_IN_QUERY, M2MAUTH_OAUTH1_IN_BODY,
                                   M2MAUTH_OAUTH1_IN_HEADER};
  const int sig = methods[mode & 7];
  m2mauth_oauth1_set_method(s, sig);
  if (sig == M2MAUTH_OAUTH1_RSA_SHA1 || sig == M2MAUTH_OAUTH1_RSA_SHA256) m2mauth_oauth1_set_rsa_key(s, fixed_key);
  m2mauth_oauth1_set_placement(s, placements[(mode >> 3) & 3]);
  m2mauth_oauth1_set_include_version(s, (mode & 0x20) ? 0 : 1);
  m2mauth_oauth1_set_body_hash(s, (mode & 0x40) ? 1 : 0);
  m2mauth_oauth1_set_consumer_secret(s, "kd94hf93k423kf44");
  if (!(mode & 0x80)) m2mauth_oauth1_set_token(s, "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
  if (!realm.empty()) m2mauth_oauth1_set_realm(s, realm.c_str());
  if (!param.empty()) m2mauth_oauth1_add_param(s, param.c_str(), param_value.c_str());
  if (!callback.empty()) m2mauth_oauth1_set_callback(s, callback.c_str());
  if (!verifier.empty()) m2mauth_oauth1_set_verifier(s, verifier.c_str());
  m2mauth_oauth1_set_fixed_nonce(s, "kllo9940pd9333jh");
  m2mauth_oauth1_set_fixed_timestamp(s, 1191242096);

  {
    fuzz::Buf base, signature;
    if (m2mauth_oauth1_base_string(&base, s, req, "kllo9940pd9333jh", 1191242096) == M2MAUTH_OK) base.touch_all();
    else fuzz::touch_error();
    if (m2mauth_oauth1_signature(&signature, s, req, "kllo9940pd9333jh", 1191242096) == M2MAUTH_OK) signature.touch_all();
  }
  if (m2mauth_oauth1_sign(s, req) == M2MAUTH_OK) {
    fuzz::touch(m2mauth_request_url(req));
    fuzz::touch(m2mauth_request_header(req, "Authorization"));
    size_t len = 0;
    const uint8_t *b = m2mauth_request_body(req, &len);
    fuzz::touch(b, len);
  } else {
    fuzz::touch_error();
  }
  m2mauth_oauth1_free(s);
  m2mauth_request_free(req);
  return 0;
}
