// C API: token clients, tokens and token managers.
#include <mutex>

#include "call_options.hpp"
#include "guard.hpp"
#include "m2mauth/core/payload.hpp"
#include "handles.hpp"
#include "options.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/token_manager.hpp"

using namespace m2mauth;

struct m2mauth_token_client {
  std::mutex mu;
  core::ClientConfig config;
  std::shared_ptr<core::Transport> transport;
  core::Clock clock = core::system_clock();
  std::shared_ptr<core::TokenClient> built;  // set on first use; the configuration is frozen then

  // The client, built once from the configuration.
  std::shared_ptr<core::TokenClient> get() {
    std::lock_guard<std::mutex> lock(mu);
    if (!built) built = std::make_shared<core::TokenClient>(config, transport, clock);
    return built;
  }
};

struct m2mauth_token {
  core::Token token;
};

struct m2mauth_token_manager {
  std::unique_ptr<core::TokenManager> manager;
};

namespace {

m2mauth_token_client &client_of(m2mauth_token_client *c) { return *capi::need(c, "client"); }

// Runs a configuration change; refused once the client is in use.
template <typename F>
m2mauth_status configure(m2mauth_token_client *c, F &&change) {
  return capi::guard([&] {
    m2mauth_token_client &client = client_of(c);
    std::lock_guard<std::mutex> lock(client.mu);
    if (client.built) throw core::Error(core::Errc::state, "the token client is in use: configure it before the first fetch");
    change(client.config, client);
  });
}

core::TokenManager &manager_of(m2mauth_token_manager *m) { return *capi::need(m, "manager")->manager; }

core::TokenScope scope_of(const char *scope, const char *audience, const char *resource) {
  core::TokenScope s;
  if (scope != nullptr) s.scope = scope;
  if (audience != nullptr) s.audience = audience;
  if (resource != nullptr) s.resources.emplace_back(resource);
  return s;
}

// The caller's view struct: its version says which fields it has room for.
m2mauth_token_view *view_out(m2mauth_token_view *out) {
  capi::need(out, "out");
  if (out->version != M2MAUTH_TOKEN_VIEW_VERSION)
    throw core::Error(core::Errc::invalid_argument, "m2mauth_token_view.version must be M2MAUTH_TOKEN_VIEW_VERSION (M2MAUTH_TOKEN_VIEW_INIT)");
  return out;
}

void fill_view(m2mauth_token_view *out, const core::TokenView &v) {
  out->access_token = v.access_token.data();
  out->access_token_len = v.access_token.size();
  out->scheme = v.scheme.data();
  out->expires_at_ms = v.expires_at_ms;
}

}  // namespace

extern "C" {

const char *m2mauth_client_auth_name(int auth) { return core::client_auth_name(static_cast<core::ClientAuth>(auth)); }

m2mauth_status m2mauth_client_auth_from_name(int *out, const char *name) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = 0;
    *out = static_cast<int>(core::client_auth_from_name(capi::need_text(name, "name")));
  });
}

m2mauth_status m2mauth_token_client_new(m2mauth_token_client **out, const char *token_url, const char *client_id,
                                        m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto c = std::make_unique<m2mauth_token_client>();
    c->config.token_url = std::string(capi::need_text(token_url, "token_url"));
    core::Url::parse(c->config.token_url);  // the transport refuses plain http to non-loopback hosts
    c->config.client_id = std::string(capi::need_text(client_id, "client_id"));
    if (c->config.client_id.empty()) throw core::Error(core::Errc::invalid_argument, "client_id is empty");
    c->transport = capi::need(http, "http")->transport;
    *out = c.release();
  });
}

m2mauth_status m2mauth_token_client_discover(m2mauth_token_client **out, const char *issuer, const char *client_id,
                                             m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto transport = capi::need(http, "http")->transport;
    std::string endpoint = core::discover_token_endpoint(*transport, std::string(capi::need_text(issuer, "issuer")));
    auto c = std::make_unique<m2mauth_token_client>();
    c->config.token_url = endpoint;
    c->config.client_id = std::string(capi::need_text(client_id, "client_id"));
    if (c->config.client_id.empty()) throw core::Error(core::Errc::invalid_argument, "client_id is empty");
    c->transport = std::move(transport);
    *out = c.release();
  });
}

void m2mauth_token_client_free(m2mauth_token_client *client) { delete client; }

m2mauth_status m2mauth_token_client_set_auth_method(m2mauth_token_client *client, int auth) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    if (auth < 1 || auth > 7) throw core::Error(core::Errc::invalid_argument, "unknown client authentication method");
    c.auth = static_cast<core::ClientAuth>(auth);
  });
}

m2mauth_status m2mauth_token_client_set_secret(m2mauth_token_client *client, const char *secret) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    c.client_secret = core::SecretString(std::string(capi::need_text(secret, "secret")));
  });
}

m2mauth_status m2mauth_token_client_set_private_key(m2mauth_token_client *client, const m2mauth_key *key) {
  return configure(client, [&](core::ClientConfig &c, auto &) { c.private_key = capi::need(key, "key")->key; });
}

m2mauth_status m2mauth_token_client_set_grant(m2mauth_token_client *client, int grant) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    if (grant != 1 && grant != 2) throw core::Error(core::Errc::invalid_argument, "unknown grant");
    c.grant = static_cast<core::Grant>(grant);
  });
}

m2mauth_status m2mauth_token_client_set_subject(m2mauth_token_client *client, const char *subject) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    c.jwt_bearer_subject = std::string(capi::need_text(subject, "subject"));
  });
}

m2mauth_status m2mauth_token_client_set_scope(m2mauth_token_client *client, const char *scope) {
  return configure(client, [&](core::ClientConfig &c, auto &) { c.scope.scope = std::string(capi::need_text(scope, "scope")); });
}

m2mauth_status m2mauth_token_client_set_audience(m2mauth_token_client *client, const char *audience) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    c.scope.audience = std::string(capi::need_text(audience, "audience"));
  });
}

m2mauth_status m2mauth_token_client_add_resource(m2mauth_token_client *client, const char *resource) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    c.scope.resources.emplace_back(capi::need_text(resource, "resource"));
  });
}

m2mauth_status m2mauth_token_client_add_param(m2mauth_token_client *client, const char *name, const char *value) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    std::string n(capi::need_text(name, "name"));
    if (n.empty()) throw core::Error(core::Errc::invalid_argument, "parameter name is empty");
    c.extra_params.emplace_back(std::move(n), std::string(capi::need_text(value, "value")));
  });
}

m2mauth_status m2mauth_token_client_set_assertion(m2mauth_token_client *client, const char *audience, int alg,
                                                  int64_t lifetime_s, const char *kid) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    if (alg < 0 || alg > core::alg_count) throw core::Error(core::Errc::algorithm, "unknown algorithm");
    if (lifetime_s != 0 && (lifetime_s < 10 || lifetime_s > 3600))
      throw core::Error(core::Errc::invalid_argument, "assertion lifetime must be 10 to 3600 seconds");
    c.assertion_audience = audience != nullptr ? audience : "";
    c.assertion_alg = alg;
    if (lifetime_s != 0) c.assertion_lifetime_s = lifetime_s;
    c.assertion_kid = kid != nullptr ? kid : "";
  });
}

m2mauth_status m2mauth_token_client_set_assertion_kid_thumbprint(m2mauth_token_client *client, int on) {
  return configure(client, [&](core::ClientConfig &c, auto &) { c.assertion_kid_thumbprint = on != 0; });
}

m2mauth_status m2mauth_token_client_set_assertion_cert(m2mauth_token_client *client, const m2mauth_cert *cert,
                                                       unsigned int members) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    if (cert == nullptr) {
      c.assertion_cert.reset();
      c.assertion_cert_members = 0;
      return;
    }
    if ((members & ~7u) != 0) throw core::Error(core::Errc::invalid_argument, "unknown header member bits");
    c.assertion_cert = cert->cert;
    c.assertion_cert_members = members;
  });
}

m2mauth_status m2mauth_token_client_set_default_expires_in(m2mauth_token_client *client, int64_t seconds) {
  return configure(client, [&](core::ClientConfig &c, auto &) {
    if (seconds <= 0) throw core::Error(core::Errc::invalid_argument, "default expires_in must be positive");
    c.default_expires_in_s = seconds;
  });
}

m2mauth_status m2mauth_token_client_set_clock(m2mauth_token_client *client, m2mauth_clock_cb clock, void *payload,
                                              m2mauth_free_cb free_payload) {
  core::Payload held;  // released on return unless the clock keeps it
  if (m2mauth_status rc = capi::guard([&] { held = core::hold_payload(payload, free_payload); })) return rc;
  return configure(client, [&](core::ClientConfig &, m2mauth_token_client &self) {
    if (clock == nullptr) self.clock = core::system_clock();
    else self.clock = [clock, held] { return clock(held.get()); };
  });
}

m2mauth_status m2mauth_token_client_fetch(m2mauth_token **out, m2mauth_token_client *client) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto c = client_of(client).get();
    *out = new m2mauth_token{c->fetch()};
  });
}

const char *m2mauth_token_access_token(const m2mauth_token *token) {
  return token == nullptr ? "" : token->token.access_token.c_str();
}
const char *m2mauth_token_type(const m2mauth_token *token) { return token == nullptr ? "" : token->token.token_type.c_str(); }
const char *m2mauth_token_scope(const m2mauth_token *token) { return token == nullptr ? "" : token->token.scope.c_str(); }
int64_t m2mauth_token_expires_at(const m2mauth_token *token) { return token == nullptr ? 0 : token->token.expires_at_ms; }
int64_t m2mauth_token_issued_at(const m2mauth_token *token) { return token == nullptr ? 0 : token->token.issued_at_ms; }
void m2mauth_token_free(m2mauth_token *token) { delete token; }

m2mauth_status m2mauth_token_manager_new(m2mauth_token_manager **out, m2mauth_token_client *client,
                                         const m2mauth_token_manager_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    core::ManagerOptions o = capi::manager_options_from(opts);
    auto m = std::make_unique<m2mauth_token_manager>();
    m->manager = std::make_unique<core::TokenManager>(client_of(client).get(), o);
    *out = m.release();
  });
}

void m2mauth_token_manager_free(m2mauth_token_manager *manager) { delete manager; }

m2mauth_status m2mauth_token_manager_set_idempotency_header(m2mauth_token_manager *manager, const char *name) {
  return capi::guard([&] {
    core::TokenManager &m = manager_of(manager);
    std::string n = name == nullptr ? std::string() : std::string(name);
    if (!n.empty()) {
      core::Request probe;
      probe.set_header(n, "x");  // validates the header name
    }
    m.set_idempotency_header(std::move(n));
  });
}

m2mauth_status m2mauth_token_manager_get(m2mauth_token_view *out, m2mauth_token_manager *manager) {
  return capi::guard([&] {
    fill_view(view_out(out), manager_of(manager).get());
  });
}

m2mauth_status m2mauth_token_manager_get_for(m2mauth_token_view *out, m2mauth_token_manager *manager, const char *scope,
                                             const char *audience, const char *resource) {
  return capi::guard([&] {
    fill_view(view_out(out), manager_of(manager).get(scope_of(scope, audience, resource)));
  });
}

m2mauth_status m2mauth_token_manager_token(m2mauth_token **out, m2mauth_token_manager *manager) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    core::TokenView v = manager_of(manager).get();
    auto t = std::make_unique<m2mauth_token>();
    t->token.access_token = core::SecretString(std::string(v.access_token));
    t->token.token_type = std::string(v.scheme);
    t->token.expires_at_ms = v.expires_at_ms;
    t->token.scope = std::string(v.scope);
    *out = t.release();
  });
}

m2mauth_status m2mauth_token_manager_invalidate(m2mauth_token_manager *manager, const char *token) {
  return capi::guard([&] { manager_of(manager).invalidate(token == nullptr ? std::string_view() : token); });
}

m2mauth_status m2mauth_token_manager_authorize(m2mauth_token_manager *manager, m2mauth_request *req) {
  return capi::guard([&] {
    core::SecretString used(manager_of(manager).authorize(capi::need(req, "req")->req));
  });
}

m2mauth_status m2mauth_token_manager_request(m2mauth_response **out, m2mauth_token_manager *manager,
                                             const m2mauth_request *req) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    core::Response resp = manager_of(manager).request(capi::need(req, "req")->req);
    *out = new m2mauth_response{std::move(resp)};
  });
}

m2mauth_status m2mauth_token_manager_set_event_cb(m2mauth_token_manager *manager, m2mauth_token_event_cb cb,
                                                  void *payload, m2mauth_free_cb free_payload) {
  return capi::guard([&] {
    core::Payload held = core::hold_payload(payload, free_payload);  // released here unless the callback keeps it
    core::TokenManager &m = manager_of(manager);
    if (cb == nullptr) {
      m.set_event_callback(nullptr);
      return;
    }
    m.set_event_callback([cb, held](const core::TokenEvent &e) {
      m2mauth_token_event ev{};
      ev.kind = static_cast<int>(e.kind);
      ev.client_id = e.client_id != nullptr ? e.client_id->c_str() : "";
      ev.scope = e.scope != nullptr ? e.scope->c_str() : "";
      ev.expires_at_ms = e.expires_at_ms;
      ev.error_code = e.error_code;
      ev.http_status = e.http_status;
      ev.transient = e.transient ? 1 : 0;
      ev.retry_after_ms = e.retry_after_ms;
      ev.oauth_error = e.oauth_error != nullptr ? e.oauth_error->c_str() : "";
      cb(&ev, held.get());
    });
  });
}

const char *m2mauth_token_event_name(int kind) {
  switch (kind) {
    case M2MAUTH_TOKEN_EVENT_FETCHED: return "fetched";
    case M2MAUTH_TOKEN_EVENT_REFRESHED: return "refreshed";
    case M2MAUTH_TOKEN_EVENT_FAILED: return "failed";
    case M2MAUTH_TOKEN_EVENT_CACHE_HIT: return "cache_hit";
    case M2MAUTH_TOKEN_EVENT_INVALIDATED: return "invalidated";
    default: return "";
  }
}

/* ---- calls bounded, cancelled and awaited (call.h) ------------------------------------------- */

m2mauth_status m2mauth_token_client_fetch_with(m2mauth_token **out, m2mauth_token_client *client,
                                               const m2mauth_call_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    core::CallOptions options = capi::call_options(opts);
    auto c = client_of(client).get();
    *out = new m2mauth_token{c->fetch(nullptr, options)};
  });
}

m2mauth_status m2mauth_token_manager_get_with(m2mauth_token_view *out, m2mauth_token_manager *manager,
                                              const m2mauth_call_options *opts) {
  return capi::guard([&] {
    m2mauth_token_view *view = view_out(out);
    core::CallOptions options = capi::call_options(opts);
    fill_view(view, manager_of(manager).get(nullptr, options));
  });
}

m2mauth_status m2mauth_token_manager_request_with(m2mauth_response **out, m2mauth_token_manager *manager,
                                                  const m2mauth_request *req, const m2mauth_call_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    core::CallOptions options = capi::call_options(opts);
    core::Response resp = manager_of(manager).request(capi::need(req, "req")->req, options);
    *out = new m2mauth_response{std::move(resp)};
  });
}

m2mauth_status m2mauth_token_manager_get_async(m2mauth_token_manager *manager, const m2mauth_call_options *opts,
                                               m2mauth_token_cb cb, void *payload, m2mauth_free_cb free_payload) {
  return capi::guard([&] {
    core::Payload held = core::hold_payload(payload, free_payload);  // released after the callback
    core::TokenManager &m = manager_of(manager);
    if (cb == nullptr) throw core::Error(core::Errc::invalid_argument, "cb is NULL");
    core::CallOptions options = capi::call_options(opts);
    m.get_async(nullptr, options, capi::call_cancel(opts), [cb, held](const core::TokenView *v, const core::Error *e) {
      if (e != nullptr) {
        m2mauth_status status = capi::set_error(*e);
        cb(status, nullptr, m2mauth_error_last(), held.get());
        return;
      }
      m2mauth_token_view view = M2MAUTH_TOKEN_VIEW_INIT;
      fill_view(&view, *v);
      m2mauth_error_clear();
      cb(M2MAUTH_OK, &view, m2mauth_error_last(), held.get());
    });
  });
}

m2mauth_status m2mauth_token_manager_request_async(m2mauth_token_manager *manager, const m2mauth_request *req,
                                                   const m2mauth_call_options *opts, m2mauth_response_cb cb,
                                                   void *payload, m2mauth_free_cb free_payload) {
  return capi::guard([&] {
    core::Payload held = core::hold_payload(payload, free_payload);  // released after the callback
    core::TokenManager &m = manager_of(manager);
    const core::Request &request = capi::need(req, "req")->req;
    if (cb == nullptr) throw core::Error(core::Errc::invalid_argument, "cb is NULL");
    core::CallOptions options = capi::call_options(opts);
    m.request_async(request, options, capi::call_cancel(opts), [cb, held](core::Response *r, const core::Error *e) {
      if (e != nullptr) {
        m2mauth_status status = capi::set_error(*e);
        cb(status, nullptr, m2mauth_error_last(), held.get());
        return;
      }
      m2mauth_response *owned = nullptr;
      try {
        owned = new m2mauth_response{std::move(*r)};
      } catch (...) {
        m2mauth_status status = capi::set_error(M2MAUTH_ENOMEM, "out of memory");
        cb(status, nullptr, m2mauth_error_last(), held.get());
        return;
      }
      m2mauth_error_clear();
      cb(M2MAUTH_OK, owned, m2mauth_error_last(), held.get());
    });
  });
}

}  // extern "C"
