// C API: the configuration, and transports, token clients, managers and A2A clients made from it by
// the core's factories (core/include/m2mauth/core/config.hpp).
#include <memory>
#include <string>

#include "guard.hpp"
#include "handles.hpp"
#include "options.hpp"
#include "m2mauth/core/config.hpp"

using namespace m2mauth;

namespace {

const core::Config &config_of(const m2mauth_config *c) { return capi::need(c, "config")->config; }

// The given transport, or null for the core factories to make one from the http section.
std::shared_ptr<core::Transport> transport_of(m2mauth_http *http) {
  if (http == nullptr) return nullptr;
  capi::need(http->transport.get(), "http transport");
  return http->transport;
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
    *out = new m2mauth_token_client{core::make_token_client_builder(config_of(config), transport_of(http))};
  });
}

m2mauth_status m2mauth_token_manager_new_from_config(m2mauth_token_manager **out, const m2mauth_config *config,
                                                     m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_token_manager{core::make_token_manager(config_of(config), transport_of(http))};
  });
}

m2mauth_status m2mauth_a2a_new_from_config(m2mauth_a2a **out, const m2mauth_config *config, m2mauth_http *http) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_a2a{core::make_a2a_client_builder(config_of(config), transport_of(http))};
  });
}

}  // extern "C"
