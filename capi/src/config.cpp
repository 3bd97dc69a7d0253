// C API: the configuration and the builders of transports, token clients, managers and A2A clients.
#include <memory>
#include <string>

#include "guard.hpp"
#include "handles.hpp"
#include "options.hpp"
#include "m2mauth/core/config.hpp"

using namespace m2mauth;

namespace {

const core::Config &config_of(const m2mauth_config *c) { return capi::need(c, "config")->config; }

// A status from a C API call made inside a guard: rethrown as the Error it recorded.
void check(m2mauth_status status) {
  if (status == M2MAUTH_OK) return;
  const m2mauth_error *e = m2mauth_error_last();
  core::ErrorDetail d;
  d.transient = e->transient != 0;
  d.http_status = e->http_status;
  d.oauth_error = e->oauth_error;
  d.oauth_error_description = e->oauth_error_description;
  d.oauth_error_uri = e->oauth_error_uri;
  d.vendor_code = e->vendor_code;
  d.retry_after_ms = e->retry_after_ms;
  throw core::Error(static_cast<core::Errc>(status), e->message, d);
}

std::shared_ptr<core::Transport> transport_for(const core::Config &config, m2mauth_http *http) {
  if (http == nullptr) return core::make_transport(config);
  capi::need(http->transport.get(), "http transport");
  return http->transport;
}

using ClientPtr = std::unique_ptr<m2mauth_token_client, void (*)(m2mauth_token_client *)>;

// A token client made and configured through the C API itself, from the core's reading of the section.
ClientPtr new_token_client(const core::Config &config, m2mauth_http *http) {
  m2mauth_http transport{transport_for(config, http)};
  core::ClientConfig c = core::client_config_from(config, transport.transport.get());
  m2mauth_token_client *raw = nullptr;
  check(m2mauth_token_client_new(&raw, c.token_url.c_str(), c.client_id.c_str(), &transport));
  ClientPtr client(raw, &m2mauth_token_client_free);
  check(m2mauth_token_client_set_auth_method(client.get(), static_cast<int>(c.auth)));
  if (!c.client_secret.empty()) check(m2mauth_token_client_set_secret(client.get(), c.client_secret.c_str()));
  if (c.private_key) {
    m2mauth_key key{*c.private_key};
    check(m2mauth_token_client_set_private_key(client.get(), &key));
  }
  if (!c.scope.scope.empty()) check(m2mauth_token_client_set_scope(client.get(), c.scope.scope.c_str()));
  if (!c.scope.audience.empty()) check(m2mauth_token_client_set_audience(client.get(), c.scope.audience.c_str()));
  for (const std::string &r : c.scope.resources) check(m2mauth_token_client_add_resource(client.get(), r.c_str()));
  for (const auto &[name, value] : c.extra_params)
    check(m2mauth_token_client_add_param(client.get(), name.c_str(), value.c_str()));
  check(m2mauth_token_client_set_assertion(client.get(), c.assertion_audience.empty() ? nullptr : c.assertion_audience.c_str(),
                                           c.assertion_alg, c.assertion_lifetime_s,
                                           c.assertion_kid.empty() ? nullptr : c.assertion_kid.c_str()));
  check(m2mauth_token_client_set_default_expires_in(client.get(), c.default_expires_in_s));
  return client;
}

template <typename F>
m2mauth_status new_config(m2mauth_config **out, F &&load) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_config{load()};
  });
}

}  // namespace

extern "C" {

m2mauth_status m2mauth_config_load(m2mauth_config **out, const char *path, int use_env) {
  return new_config(out, [&] {
    core::ConfigSource source;
    if (path != nullptr) source.path = std::string(path);
    source.use_env = use_env != 0;
    return core::Config::load(source);
  });
}

m2mauth_status m2mauth_config_from_json(m2mauth_config **out, const char *json, int use_env) {
  return new_config(out, [&] { return core::Config::from_json(capi::need_text(json, "json"), use_env != 0); });
}

void m2mauth_config_free(m2mauth_config *config) { delete config; }

m2mauth_status m2mauth_config_describe(m2mauth_buf *out, const m2mauth_config *config) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, config_of(config).describe()); });
}

m2mauth_status m2mauth_config_get(m2mauth_buf *out, const m2mauth_config *config, const char *name) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    std::optional<std::string> value = config_of(config).get(capi::need_text(name, "name"));
    if (!value) throw core::Error(core::Errc::not_found, "configuration value " + std::string(name) + " is not set");
    capi::fill(out, *value);
  });
}

int m2mauth_config_has(const m2mauth_config *config, const char *name) {
  if (config == nullptr || name == nullptr) return 0;
  try {
    return config->config.has(name) ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

m2mauth_status m2mauth_http_new_from_config(m2mauth_http **out, const m2mauth_config *config) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto h = std::make_unique<m2mauth_http>();
    h->transport = core::make_transport(config_of(config));
    *out = h.release();
  });
}

m2mauth_status m2mauth_token_client_new_from_config(m2mauth_token_client **out, const m2mauth_config *config,
                                                    m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new_token_client(config_of(config), http).release();
  });
}

m2mauth_status m2mauth_token_manager_new_from_config(m2mauth_token_manager **out, const m2mauth_config *config,
                                                     m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    const core::Config &cfg = config_of(config);
    core::ManagerOptions options = core::manager_options_from(cfg);
    ClientPtr client = new_token_client(cfg, http);
    m2mauth_token_manager_options opts = capi::c_manager_options(options);
    m2mauth_token_manager *raw = nullptr;
    check(m2mauth_token_manager_new(&raw, client.get(), &opts));
    std::unique_ptr<m2mauth_token_manager, void (*)(m2mauth_token_manager *)> manager(raw, &m2mauth_token_manager_free);
    if (!options.idempotency_header.empty())
      check(m2mauth_token_manager_set_idempotency_header(manager.get(), options.idempotency_header.c_str()));
    *out = manager.release();
  });
}

m2mauth_status m2mauth_a2a_new_from_config(m2mauth_a2a **out, const m2mauth_config *config, m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    const core::Config &cfg = config_of(config);
    auto a = std::make_unique<m2mauth_a2a>();
    a->config = core::a2a_config_from(cfg);
    a->transport = transport_for(cfg, http);
    // Checked now, so that a configuration error shows here rather than at the first call; the
    // handle is built on first use, so its setters (clock, key, ...) still apply.
    core::A2AClient check_only(a->config, a->transport);
    *out = a.release();
  });
}

}  // extern "C"
