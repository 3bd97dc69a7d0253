// C API: the senhasegura A2A client.
#include <memory>
#include <string>

#include "guard.hpp"
#include "m2mauth/core/payload.hpp"
#include "handles.hpp"
#include "options.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/senhasegura.hpp"

using namespace m2mauth;

namespace {

m2mauth_a2a &a2a_of(m2mauth_a2a *a) { return *capi::need(a, "a2a"); }

// Runs a configuration change; refused once the client is in use.
template <typename F>
m2mauth_status configure(m2mauth_a2a *a, F &&change) {
  return capi::guard([&] {
    m2mauth_a2a &self = a2a_of(a);
    std::lock_guard<std::mutex> lock(self.mu);
    if (self.built) throw core::Error(core::Errc::state, "the A2A client is in use: configure it before the first call");
    change(self.config);
  });
}

// The client, built once from the configuration.
std::shared_ptr<core::A2AClient> client_of(m2mauth_a2a *a) {
  m2mauth_a2a &self = a2a_of(a);
  std::lock_guard<std::mutex> lock(self.mu);
  if (!self.built) self.built = std::make_shared<core::A2AClient>(self.config, self.transport);
  return self.built;
}

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
    auto a = std::make_unique<m2mauth_a2a>();
    a->config.base_url = std::string(capi::need_text(base_url, "base_url"));
    core::Url::parse(a->config.base_url);
    a->transport = capi::need(http, "http")->transport;
    capi::need(a->transport.get(), "http transport");
    *out = a.release();
  });
}

void m2mauth_a2a_free(m2mauth_a2a *a2a) { delete a2a; }

m2mauth_status m2mauth_a2a_set_auth_method(m2mauth_a2a *a2a, int auth) {
  return configure(a2a, [&](core::A2AConfig &c) {
    if (auth < M2MAUTH_A2A_OAUTH2 || auth > M2MAUTH_A2A_QUERY)
      throw core::Error(core::Errc::invalid_argument, "unknown A2A authentication method");
    c.auth = static_cast<core::A2AAuth>(auth);
  });
}

m2mauth_status m2mauth_a2a_set_oauth2_client(m2mauth_a2a *a2a, const char *client_id, const char *client_secret) {
  return configure(a2a, [&](core::A2AConfig &c) {
    std::string id(capi::need_text(client_id, "client_id"));
    std::string_view secret = capi::need_text(client_secret, "client_secret");
    if (id.empty() || secret.empty()) throw core::Error(core::Errc::invalid_argument, "client_id and client_secret must not be empty");
    c.client_id = std::move(id);
    c.client_secret = core::SecretString(std::string(secret));
  });
}

m2mauth_status m2mauth_a2a_set_client_auth(m2mauth_a2a *a2a, int auth) {
  return configure(a2a, [&](core::A2AConfig &c) {
    if (auth != M2MAUTH_AUTH_CLIENT_SECRET_BASIC && auth != M2MAUTH_AUTH_CLIENT_SECRET_POST)
      throw core::Error(core::Errc::invalid_argument,
                        "A2A client authentication is M2MAUTH_AUTH_CLIENT_SECRET_BASIC or M2MAUTH_AUTH_CLIENT_SECRET_POST");
    c.client_auth = static_cast<core::ClientAuth>(auth);
  });
}

m2mauth_status m2mauth_a2a_set_tenant(m2mauth_a2a *a2a, const char *tenant) {
  return configure(a2a, [&](core::A2AConfig &c) { c.tenant = tenant == nullptr ? std::string() : std::string(tenant); });
}

m2mauth_status m2mauth_a2a_set_token_url(m2mauth_a2a *a2a, const char *token_url) {
  return configure(a2a, [&](core::A2AConfig &c) {
    std::string url(capi::need_text(token_url, "token_url"));
    core::Url::parse(url);
    c.token_url = std::move(url);
  });
}

m2mauth_status m2mauth_a2a_set_manager_options(m2mauth_a2a *a2a, const m2mauth_token_manager_options *opts) {
  return configure(a2a, [&](core::A2AConfig &c) { c.manager = capi::manager_options_from(opts); });
}

m2mauth_status m2mauth_a2a_set_oauth1_credentials(m2mauth_a2a *a2a, const char *consumer_key, const char *consumer_secret,
                                                  const char *token, const char *token_secret) {
  return configure(a2a, [&](core::A2AConfig &c) {
    std::string key(capi::need_text(consumer_key, "consumer_key"));
    std::string_view tok = capi::need_text(token, "token");
    if (key.empty() || tok.empty()) throw core::Error(core::Errc::invalid_argument, "consumer_key and token must not be empty");
    c.consumer_key = std::move(key);
    c.consumer_secret = optional_secret(consumer_secret);
    c.token = core::SecretString(std::string(tok));
    c.token_secret = optional_secret(token_secret);
  });
}

m2mauth_status m2mauth_a2a_set_decryption_key(m2mauth_a2a *a2a, const m2mauth_key *key) {
  return configure(a2a, [&](core::A2AConfig &c) {
    if (key == nullptr) {
      c.decryption_key.reset();
      return;
    }
    if (key->key.type() != core::KeyType::rsa) throw core::Error(core::Errc::key_type, "the A2A decryption key must be an RSA key");
    if (!key->key.has_private()) throw core::Error(core::Errc::no_private, "the A2A decryption key must be the private key");
    c.decryption_key = key->key;
  });
}

m2mauth_status m2mauth_a2a_set_clock(m2mauth_a2a *a2a, m2mauth_clock_cb clock, void *payload,
                                     m2mauth_free_cb free_payload) {
  core::Payload held;  // released on return unless the clock keeps it
  if (m2mauth_status rc = capi::guard([&] { held = core::hold_payload(payload, free_payload); })) return rc;
  return configure(a2a, [&](core::A2AConfig &c) {
    if (clock == nullptr) c.clock = core::system_clock();
    else c.clock = [clock, held] { return clock(held.get()); };
  });
}

m2mauth_status m2mauth_a2a_credential(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id) {
  return typed_call(out, a2a, [&](core::A2AClient &c) { return c.credential(capi::need_text(id, "id")); });
}

m2mauth_status m2mauth_a2a_info(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id) {
  return typed_call(out, a2a, [&](core::A2AClient &c) { return c.info(capi::need_text(id, "id")); });
}

m2mauth_status m2mauth_a2a_ssh_key(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id) {
  return typed_call(out, a2a, [&](core::A2AClient &c) { return c.ssh_key(capi::need_text(id, "id")); });
}

m2mauth_status m2mauth_a2a_dsm_application(m2mauth_buf *out, m2mauth_a2a *a2a) {
  return typed_call(out, a2a, [&](core::A2AClient &c) { return c.dsm_application(); });
}

m2mauth_status m2mauth_a2a_call(m2mauth_buf *out, m2mauth_a2a *a2a, const char *method, const char *path,
                                const char *params_json, unsigned int flags) {
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
    core::SecretJson doc = client_of(a2a)->call(m, p, params.get(), (flags & static_cast<unsigned int>(M2MAUTH_A2A_NO_DECRYPT)) == 0);
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
