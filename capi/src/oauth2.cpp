// C API: token clients, tokens and token managers.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>

#include "call_options.hpp"
#include "clock.hpp"
#include "guard.hpp"
#include "m2mauth/core/payload.hpp"
#include "handles.hpp"
#include "key_args.hpp"
#include "options.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/token_manager.hpp"

using namespace m2mauth;
using m2mauth::capi::KeyArgs;

namespace {

core::TokenClientBuilder &client_of(m2mauth_token_client *c) { return capi::need(c, "client")->builder; }

core::TokenManager &manager_of(m2mauth_token_manager *m) { return *capi::need(m, "manager")->manager; }

// The caller's view struct: its version says which fields it has room for.
m2mauth_token_view *view_out(m2mauth_token_view *out) {
  capi::need(out, "out");
  if (out->version < 1 || out->version > M2MAUTH_TOKEN_VIEW_VERSION)
    throw core::Error(core::Errc::invalid_argument,
                      "m2mauth_token_view.version must be 1 to M2MAUTH_TOKEN_VIEW_VERSION (M2MAUTH_TOKEN_VIEW_INIT)");
  return out;
}

static_assert(sizeof(std::atomic<std::uint64_t>) == sizeof(std::uint64_t) &&
                  alignof(std::atomic<std::uint64_t>) == alignof(std::uint64_t) &&
                  std::atomic<std::uint64_t>::is_always_lock_free,
              "the generation counter is read as a plain uint64_t with atomic loads");

void fill_view(m2mauth_token_view *out, const core::TokenView &v) {
  out->access_token = v.access_token.data();
  out->access_token_len = v.access_token.size();
  out->scheme = v.scheme.data();
  out->expires_at_ms = v.expires_at_ms;
  if (out->version >= 2) {  // a version 1 struct ends before these
    out->fresh_until_ms = v.fresh_until_ms;  // 0 with no generation: the core decides reuse
    out->generation = reinterpret_cast<const std::uint64_t *>(v.generation);
    out->generation_seen = v.generation_seen;
    out->scope = v.scope.data();  // NUL-terminated: the last part of the snapshot's one buffer
  }
  if (out->version >= 3) {
    const core::ReuseHitCounters *r = v.reuse_hits;
    out->reuse_hits = r != nullptr ? reinterpret_cast<std::uint64_t *>(r->first) : nullptr;
    out->reuse_hits_count = r != nullptr ? r->count : 0;
    out->reuse_hits_stride = r != nullptr ? r->stride : 0;
  }
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
    *out = new m2mauth_token_client{core::TokenClientBuilder(std::string(capi::need_text(token_url, "token_url")),
                                                             std::string(capi::need_text(client_id, "client_id")),
                                                             capi::need(http, "http")->transport)};
  });
}

m2mauth_status m2mauth_token_client_discover(m2mauth_token_client **out, const char *issuer, const char *client_id,
                                             m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto transport = capi::need(http, "http")->transport;
    std::string issuer_url(capi::need_text(issuer, "issuer"));
    std::string id(capi::need_text(client_id, "client_id"));
    std::string endpoint = core::discover_token_endpoint(*capi::need(transport.get(), "http transport"), issuer_url);
    *out = new m2mauth_token_client{core::TokenClientBuilder(std::move(endpoint), std::move(id), std::move(transport))};
  });
}

void m2mauth_token_client_free(m2mauth_token_client *client) { delete client; }

m2mauth_status m2mauth_token_client_set_auth_method(m2mauth_token_client *client, int auth) {
  return capi::guard([&] { client_of(client).set_auth_method(core::client_auth_from_int(auth)); });
}

m2mauth_status m2mauth_token_client_set_secret(m2mauth_token_client *client, const char *secret) {
  return capi::guard([&] {
    client_of(client).set_secret(core::SecretString(std::string(capi::need_text(secret, "secret"))));
  });
}

m2mauth_status m2mauth_token_client_set_private_key(m2mauth_token_client *client, const m2mauth_key *key) {
  return capi::guard([&] { client_of(client).set_private_key(capi::need(key, "key")->key); });
}

m2mauth_status m2mauth_token_client_set_key_source(m2mauth_token_client *client, m2mauth_key_source *source) {
  return capi::guard([&] { client_of(client).set_key_source(capi::need(source, "source")->source); });
}

m2mauth_status m2mauth_token_client_set_grant(m2mauth_token_client *client, int grant) {
  return capi::guard([&] { client_of(client).set_grant(core::grant_from_int(grant)); });
}

m2mauth_status m2mauth_token_client_set_subject(m2mauth_token_client *client, const char *subject) {
  return capi::guard([&] { client_of(client).set_subject(std::string(capi::need_text(subject, "subject"))); });
}

m2mauth_status m2mauth_token_client_set_scope(m2mauth_token_client *client, const char *scope) {
  return capi::guard([&] { client_of(client).set_scope(std::string(capi::need_text(scope, "scope"))); });
}

m2mauth_status m2mauth_token_client_set_audience(m2mauth_token_client *client, const char *audience) {
  return capi::guard([&] { client_of(client).set_audience(std::string(capi::need_text(audience, "audience"))); });
}

m2mauth_status m2mauth_token_client_add_resource(m2mauth_token_client *client, const char *resource) {
  return capi::guard([&] { client_of(client).add_resource(std::string(capi::need_text(resource, "resource"))); });
}

m2mauth_status m2mauth_token_client_add_param(m2mauth_token_client *client, const char *name, const char *value) {
  return capi::guard([&] {
    client_of(client).add_param(std::string(capi::need_text(name, "name")), std::string(capi::need_text(value, "value")));
  });
}

m2mauth_status m2mauth_assertion_options_init(m2mauth_assertion_options *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    if (version != 1 && version != M2MAUTH_ASSERTION_OPTIONS_VERSION)
      throw core::Error(core::Errc::invalid_argument, "unsupported m2mauth_assertion_options version");
    const m2mauth_assertion_options defaults = M2MAUTH_ASSERTION_OPTIONS_INIT;
    if (version == 1) {
      std::memcpy(opts, &defaults, offsetof(m2mauth_assertion_options, clock_skew_s));  // the version 1 layout
      opts->version = 1;
    } else {
      *opts = defaults;
    }
  });
}

m2mauth_status m2mauth_token_client_set_assertion(m2mauth_token_client *client, const m2mauth_assertion_options *opts) {
  return capi::guard([&] {
    core::TokenClientBuilder &c = client_of(client);
    core::AssertionOptions o = capi::assertion_options_from(opts);
    c.set_assertion(std::move(o));
  });
}

m2mauth_status m2mauth_token_client_set_default_expires_in(m2mauth_token_client *client, int64_t seconds) {
  return capi::guard([&] { client_of(client).set_default_expires_in(seconds); });
}

m2mauth_status m2mauth_token_client_set_clock(m2mauth_token_client *client, m2mauth_clock_cb clock, void *payload,
                                              m2mauth_free_cb free_payload) {
  return capi::set_clock(clock, payload, free_payload, [&](core::Clock c) { client_of(client).set_clock(std::move(c)); });
}

m2mauth_status m2mauth_token_client_fetch(m2mauth_token **out, m2mauth_token_client *client) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto c = client_of(client).client();
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
    m->manager = std::make_unique<core::TokenManager>(client_of(client).client(), o);
    *out = m.release();
  });
}

void m2mauth_token_manager_free(m2mauth_token_manager *manager) { delete manager; }

m2mauth_status m2mauth_token_manager_set_idempotency_header(m2mauth_token_manager *manager, const char *name) {
  return capi::guard([&] {
    manager_of(manager).set_idempotency_header(name == nullptr ? std::string() : std::string(name));
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
    m2mauth_token_view *view = view_out(out);
    KeyArgs key(scope, audience, resource);
    fill_view(view, manager_of(manager).get(key.ref));
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
      ev.clock_offset_ms = e.clock_offset_ms;
      ev.duration_ms = e.duration_ms;
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
    case M2MAUTH_TOKEN_EVENT_CLOCK_OFFSET: return "clock_offset";
    case M2MAUTH_TOKEN_EVENT_SHARED_HIT: return "shared_hit";
    case M2MAUTH_TOKEN_EVENT_LEASE_WAIT: return "lease_wait";
    case M2MAUTH_TOKEN_EVENT_SHARED_FALLBACK: return "shared_fallback";
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
    auto c = client_of(client).client();
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

m2mauth_status m2mauth_token_manager_get_for_with(m2mauth_token_view *out, m2mauth_token_manager *manager,
                                                  const char *scope, const char *audience, const char *resource,
                                                  const m2mauth_call_options *opts) {
  return capi::guard([&] {
    m2mauth_token_view *view = view_out(out);
    core::CallOptions options = capi::call_options(opts);
    KeyArgs key(scope, audience, resource);
    fill_view(view, manager_of(manager).get(key.ref, &options));
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

namespace {

// get_async (for_key 0: the configured key) and get_for_async (scope, audience, resource).
m2mauth_status token_async(m2mauth_token_manager *manager, bool for_key, const char *scope, const char *audience,
                           const char *resource, const m2mauth_call_options *opts, m2mauth_token_cb cb,
                           void *payload, m2mauth_free_cb free_payload) {
  return capi::guard([&] {
    core::Payload held = core::hold_payload(payload, free_payload);  // released after the callback
    core::TokenManager &m = manager_of(manager);
    if (cb == nullptr) throw core::Error(core::Errc::invalid_argument, "cb is NULL");
    core::CallOptions options = capi::call_options(opts);
    std::optional<core::TokenScope> key;
    if (for_key) key = KeyArgs(scope, audience, resource).ref.owned();
    m.get_async(key ? &*key : nullptr, options, capi::call_cancel(opts), [cb, held](const core::TokenView *v, const core::Error *e) {
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

}  // namespace

m2mauth_status m2mauth_token_manager_get_async(m2mauth_token_manager *manager, const m2mauth_call_options *opts,
                                               m2mauth_token_cb cb, void *payload, m2mauth_free_cb free_payload) {
  return token_async(manager, false, nullptr, nullptr, nullptr, opts, cb, payload, free_payload);
}

m2mauth_status m2mauth_token_manager_get_for_async(m2mauth_token_manager *manager, const char *scope,
                                                   const char *audience, const char *resource,
                                                   const m2mauth_call_options *opts, m2mauth_token_cb cb,
                                                   void *payload, m2mauth_free_cb free_payload) {
  return token_async(manager, true, scope, audience, resource, opts, cb, payload, free_payload);
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
