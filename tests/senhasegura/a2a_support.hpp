// Core helpers of the A2A suite.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "a2a_servers.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/senhasegura.hpp"

namespace m2mauth_test {

using namespace m2mauth::core;

inline std::shared_ptr<Transport> plain_transport() {
  HttpConfig c;
  c.timeout_ms = 10000;
  return make_curl_transport(c);
}

// A transport trusting the test CA, presenting the named PKI client certificate ("" for none).
inline std::shared_ptr<Transport> tls_transport(const char *client_cert) {
  HttpConfig c;
  c.timeout_ms = 10000;
  c.ca_file = pki_dir() + "/ca.pem";
  if (client_cert[0] != '\0') {
    c.client_cert = cert_field(client_cert, "cert");
    c.client_key = cert_field(client_cert, "key");
  }
  return make_curl_transport(c);
}

inline A2AConfig oauth2_config(const std::string &base_url) {
  A2ACredentials cred = a2a_credentials();
  A2AConfig c;
  c.base_url = base_url;
  c.auth = A2AAuth::oauth2;
  c.client_id = cred.client_id;
  c.client_secret = SecretString(cred.client_secret);
  return c;
}

inline A2AConfig oauth1_config(const std::string &base_url, A2AAuth auth = A2AAuth::oauth1) {
  A2ACredentials cred = a2a_credentials();
  A2AConfig c;
  c.base_url = base_url;
  c.auth = auth;
  c.consumer_key = cred.consumer_key;
  c.consumer_secret = SecretString(cred.consumer_secret);
  c.token = SecretString(cred.token);
  c.token_secret = SecretString(cred.token_secret);
  return c;
}

inline A2AConfig config_for(A2AAuth auth, const std::string &base_url) {
  return auth == A2AAuth::oauth2 ? oauth2_config(base_url) : oauth1_config(base_url, auth);
}

inline std::string str(const cJSON *obj, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsString(v) ? v->valuestring : "";
}

inline Error error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e;
  }
  FAIL("expected an m2mauth Error");
  return Error(Errc::ok, "");
}

// No configured secret (nor its percent- or form-encoding) appears in text.
inline void check_no_secret(const std::string &text) {
  for (const std::string &s : a2a_credentials().secrets()) {
    CAPTURE(text);
    CHECK(text.find(s) == std::string::npos);
    CHECK(text.find(percent_encode(s)) == std::string::npos);
    CHECK(text.find(form_urlencode(s)) == std::string::npos);
  }
}

inline Json parse(const std::string &text) { return json_parse(text); }

}  // namespace m2mauth_test
