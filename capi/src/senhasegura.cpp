// C API: the senhasegura A2A client.
#include <memory>
#include <string>

#include "call_options.hpp"
#include "clock.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "options.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/senhasegura.hpp"

using namespace m2mauth;

namespace {

core::A2AClientBuilder &a2a_of(m2mauth_a2a *a) { return capi::need(a, "a2a")->builder; }

// The client, built and frozen by the first call.
std::shared_ptr<core::A2AClient> client_of(m2mauth_a2a *a) { return a2a_of(a).client(); }

core::SecretString optional_secret(const char *s) { return core::SecretString(s == nullptr ? std::string() : std::string(s)); }

// Fills out with doc as JSON text and wipes the intermediate copy.
void fill_json(m2mauth_buf *out, const cJSON *doc) {
  std::string text = core::json_print(doc);
  try {
    capi::fill(out, text);
  } catch (...) {
    core::secure_wipe(text);
    throw;
  }
  core::secure_wipe(text);
}

template <typename F>
m2mauth_status typed_call(m2mauth_buf *out, m2mauth_a2a *a, F &&call) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    core::SecretJson doc = call(*client_of(a));
    fill_json(out, doc.get());
  });
}

}  // namespace

extern "C" {

const char *m2mauth_a2a_auth_name(int auth) { return core::a2a_auth_name(static_cast<core::A2AAuth>(auth)); }

m2mauth_status m2mauth_a2a_auth_from_name(int *out, const char *name) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = 0;
    *out = static_cast<int>(core::a2a_auth_from_name(capi::need_text(name, "name")));
  });
}

m2mauth_status m2mauth_a2a_new(m2mauth_a2a **out, const char *base_url, m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_a2a{core::A2AClientBuilder(std::string(capi::need_text(base_url, "base_url")),
                                                  capi::need(http, "http")->transport)};
  });
}

void m2mauth_a2a_free(m2mauth_a2a *a2a) { delete a2a; }

m2mauth_status m2mauth_a2a_set_auth_method(m2mauth_a2a *a2a, int auth) {
  return capi::guard([&] { a2a_of(a2a).set_auth_method(core::a2a_auth_from_int(auth)); });
}

m2mauth_status m2mauth_a2a_set_oauth2_client(m2mauth_a2a *a2a, const char *client_id, const char *client_secret) {
  return capi::guard([&] {
    a2a_of(a2a).set_oauth2_client(std::string(capi::need_text(client_id, "client_id")),
                                  core::SecretString(std::string(capi::need_text(client_secret, "client_secret"))));
  });
}

m2mauth_status m2mauth_a2a_set_client_auth(m2mauth_a2a *a2a, int auth) {
  return capi::guard([&] { a2a_of(a2a).set_client_auth(core::client_auth_from_int(auth)); });
}

m2mauth_status m2mauth_a2a_set_tenant(m2mauth_a2a *a2a, const char *tenant) {
  return capi::guard([&] { a2a_of(a2a).set_tenant(tenant == nullptr ? std::string() : std::string(tenant)); });
}

m2mauth_status m2mauth_a2a_set_token_url(m2mauth_a2a *a2a, const char *token_url) {
  return capi::guard([&] { a2a_of(a2a).set_token_url(std::string(capi::need_text(token_url, "token_url"))); });
}

m2mauth_status m2mauth_a2a_set_manager_options(m2mauth_a2a *a2a, const m2mauth_token_manager_options *opts) {
  return capi::guard([&] { a2a_of(a2a).set_manager_options(capi::manager_options_from(opts)); });
}

m2mauth_status m2mauth_a2a_oauth1_credentials_init(m2mauth_a2a_oauth1_credentials *cred, unsigned int version) {
  return capi::guard([&] {
    capi::need(cred, "cred");
    if (version != M2MAUTH_A2A_OAUTH1_CREDENTIALS_VERSION)
      throw core::Error(core::Errc::invalid_argument, "unsupported m2mauth_a2a_oauth1_credentials version");
    *cred = m2mauth_a2a_oauth1_credentials M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT;
  });
}

m2mauth_status m2mauth_a2a_set_oauth1_credentials(m2mauth_a2a *a2a, const m2mauth_a2a_oauth1_credentials *cred) {
  return capi::guard([&] {
    core::A2AClientBuilder &b = a2a_of(a2a);
    capi::need(cred, "cred");
    if (cred->version != M2MAUTH_A2A_OAUTH1_CREDENTIALS_VERSION)
      throw core::Error(core::Errc::invalid_argument, "m2mauth_a2a_oauth1_credentials: unknown version");
    core::A2AOauth1Credentials c;
    c.consumer_key = std::string(capi::need_text(cred->consumer_key, "consumer_key"));
    c.consumer_secret = optional_secret(cred->consumer_secret);
    c.token = core::SecretString(std::string(capi::need_text(cred->token, "token")));
    c.token_secret = optional_secret(cred->token_secret);
    b.set_oauth1_credentials(std::move(c));
  });
}

m2mauth_status m2mauth_a2a_set_decryption_key(m2mauth_a2a *a2a, const m2mauth_key *key) {
  return capi::guard([&] {
    a2a_of(a2a).set_decryption_key(key == nullptr ? std::nullopt : std::optional<core::Key>(key->key));
  });
}

m2mauth_status m2mauth_a2a_set_clock(m2mauth_a2a *a2a, m2mauth_clock_cb clock, void *payload,
                                     m2mauth_free_cb free_payload) {
  return capi::set_clock(clock, payload, free_payload, [&](core::Clock c) { a2a_of(a2a).set_clock(std::move(c)); });
}

m2mauth_status m2mauth_a2a_credential(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id) {
  return m2mauth_a2a_credential_with(out, a2a, id, nullptr);
}

m2mauth_status m2mauth_a2a_credential_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id,
                                           const m2mauth_call_options *opts) {
  return typed_call(out, a2a, [&](core::A2AClient &c) {
    return c.credential(capi::need_text(id, "id"), capi::call_options(opts));
  });
}

m2mauth_status m2mauth_a2a_info(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id) {
  return m2mauth_a2a_info_with(out, a2a, id, nullptr);
}

m2mauth_status m2mauth_a2a_info_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id,
                                     const m2mauth_call_options *opts) {
  return typed_call(out, a2a, [&](core::A2AClient &c) { return c.info(capi::need_text(id, "id"), capi::call_options(opts)); });
}

m2mauth_status m2mauth_a2a_ssh_key(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id) {
  return m2mauth_a2a_ssh_key_with(out, a2a, id, nullptr);
}

m2mauth_status m2mauth_a2a_ssh_key_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id,
                                        const m2mauth_call_options *opts) {
  return typed_call(out, a2a, [&](core::A2AClient &c) { return c.ssh_key(capi::need_text(id, "id"), capi::call_options(opts)); });
}

m2mauth_status m2mauth_a2a_dsm_application(m2mauth_buf *out, m2mauth_a2a *a2a) {
  return m2mauth_a2a_dsm_application_with(out, a2a, nullptr);
}

m2mauth_status m2mauth_a2a_dsm_application_with(m2mauth_buf *out, m2mauth_a2a *a2a, const m2mauth_call_options *opts) {
  return typed_call(out, a2a, [&](core::A2AClient &c) { return c.dsm_application(capi::call_options(opts)); });
}

m2mauth_status m2mauth_a2a_call(m2mauth_buf *out, m2mauth_a2a *a2a, const char *method, const char *path,
                                const char *params_json, unsigned int flags) {
  return m2mauth_a2a_call_with(out, a2a, method, path, params_json, flags, nullptr);
}

m2mauth_status m2mauth_a2a_call_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *method, const char *path,
                                     const char *params_json, unsigned int flags, const m2mauth_call_options *opts) {

  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    if ((flags & ~static_cast<unsigned int>(M2MAUTH_A2A_NO_DECRYPT)) != 0) throw core::Error(core::Errc::invalid_argument, "unknown flags");
    std::string_view m = capi::need_text(method, "method");
    std::string_view p = capi::need_text(path, "path");
    core::SecretJson params;
    if (params_json != nullptr) {
      try {
        params.reset(core::json_parse_object(params_json, "params_json").release());
      } catch (const core::Error &e) {
        throw core::Error(core::Errc::invalid_argument, e.what());
      }
    }
    core::SecretJson doc = client_of(a2a)->call(m, p, params.get(), (flags & static_cast<unsigned int>(M2MAUTH_A2A_NO_DECRYPT)) == 0,
                                               capi::call_options(opts));
    fill_json(out, doc.get());
  });
}

m2mauth_status m2mauth_a2a_decrypt(m2mauth_buf *out, const m2mauth_key *key, const char *value) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    core::SecretString plain = core::a2a_decrypt(capi::need(key, "key")->key, capi::need_text(value, "value"));
    capi::fill(out, plain.reveal());
  });
}

m2mauth_status m2mauth_a2a_cert_fingerprints(m2mauth_buf *out, const m2mauth_cert *cert) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    core::CertFingerprints f = core::cert_fingerprints(capi::need(cert, "cert")->cert);
    core::Json doc = core::json_new_object();
    core::json_set_string(doc.get(), "sha256", f.sha256);
    core::json_set_string(doc.get(), "sha256_colon", f.sha256_colon);
    core::json_set_string(doc.get(), "sha1", f.sha1);
    core::json_set_string(doc.get(), "sha1_colon", f.sha1_colon);
    capi::fill(out, core::json_print(doc.get()));
  });
}

}  // extern "C"
