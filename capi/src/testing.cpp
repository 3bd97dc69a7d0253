// C API: the token-endpoint test double (core::testing::TokenServer).
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

#include "guard.hpp"
#include "m2mauth/core/test_server.hpp"
#include "m2mauth/testing.h"

using namespace m2mauth;
namespace ct = core::testing;

struct m2mauth_test_server {
  std::unique_ptr<ct::TokenServer> server;
};

namespace {

// Version 1 of m2mauth_test_server_options ends before dpop_nonce.
constexpr std::size_t kServerOptionsV1Size = offsetof(m2mauth_test_server_options, dpop_nonce);

void check_version(unsigned int version, unsigned int current, const char *type) {
  if (version < 1 || version > current)
    throw core::Error(core::Errc::invalid_argument, std::string(type) + ".version " + std::to_string(version) +
                                                        " is not supported (use 1 to " + std::to_string(current) + ")");
}

std::string text(const char *s) { return s == nullptr ? std::string() : std::string(s); }

ct::ServerOptions options_from(const m2mauth_test_server_options *o) {
  ct::ServerOptions out;
  if (o == nullptr) return out;
  check_version(o->version, M2MAUTH_TEST_SERVER_OPTIONS_VERSION, "m2mauth_test_server_options");
  out.tls = o->tls != 0;
  out.request_client_cert = o->request_client_cert != 0;
  out.token_lifetime_s = o->token_lifetime_s;
  out.token_format = static_cast<ct::TokenFormat>(o->token_format);
  out.extra_claims_json = text(o->extra_claims_json);
  out.audience = text(o->audience);
  out.max_body_bytes = o->max_body_bytes;
  out.max_headers = o->max_headers;
  out.read_timeout_ms = o->read_timeout_ms;
  out.clock_offset_s = o->clock_offset_s;
  if (o->version >= 2) {  // read only where the caller has them
    out.dpop_nonce = text(o->dpop_nonce);
    out.admin_token = text(o->admin_token);
  }
  return out;
}

}  // namespace

extern "C" {

m2mauth_status m2mauth_test_server_options_init(m2mauth_test_server_options *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    check_version(version, M2MAUTH_TEST_SERVER_OPTIONS_VERSION, "m2mauth_test_server_options");
    static const m2mauth_test_server_options defaults = M2MAUTH_TEST_SERVER_OPTIONS_INIT;  // padding zeroed
    // An older caller's struct ends before dpop_nonce: write only what it has.
    std::memcpy(opts, &defaults, version == 1 ? kServerOptionsV1Size : sizeof *opts);
    opts->version = version;
  });
}

m2mauth_status m2mauth_test_client_init(m2mauth_test_client *client, unsigned int version) {
  return capi::guard([&] {
    capi::need(client, "client");
    check_version(version, M2MAUTH_TEST_CLIENT_VERSION, "m2mauth_test_client");
    static const m2mauth_test_client defaults = M2MAUTH_TEST_CLIENT_INIT;
    std::memcpy(client, &defaults, sizeof *client);
  });
}

m2mauth_status m2mauth_test_server_new(m2mauth_test_server **out, const m2mauth_test_server_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto server = std::make_unique<ct::TokenServer>(options_from(opts));
    *out = new m2mauth_test_server{std::move(server)};
  });
}

m2mauth_status m2mauth_test_server_start(m2mauth_test_server *server) {
  return capi::guard([&] { capi::need(server, "server")->server->start(); });
}

void m2mauth_test_server_stop(m2mauth_test_server *server) {
  if (server != nullptr) server->server->stop();
}

void m2mauth_test_server_free(m2mauth_test_server *server) { delete server; }

m2mauth_status m2mauth_test_server_url(m2mauth_buf *out, const m2mauth_test_server *server) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(capi::need(out, "out"), capi::need(server, "server")->server->url()); });
}

m2mauth_status m2mauth_test_server_ca_pem(m2mauth_buf *out, const m2mauth_test_server *server) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(capi::need(out, "out"), capi::need(server, "server")->server->ca_pem()); });
}

m2mauth_status m2mauth_test_server_add_client(m2mauth_test_server *server, const m2mauth_test_client *client) {
  return capi::guard([&] {
    capi::need(server, "server");
    capi::need(client, "client");
    check_version(client->version, M2MAUTH_TEST_CLIENT_VERSION, "m2mauth_test_client");
    ct::ClientRegistration reg;
    reg.id = std::string(capi::need_text(client->client_id, "client_id"));
    reg.method = static_cast<ct::ClientAuth>(client->auth_method);
    reg.secret = text(client->secret);
    reg.public_key = text(client->public_key);
    reg.tls_subject = text(client->tls_subject);
    reg.tls_thumbprint = text(client->tls_thumbprint);
    reg.scopes = text(client->scopes);
    server->server->add_client(std::move(reg));
  });
}

m2mauth_status m2mauth_test_server_fail_next(m2mauth_test_server *server, unsigned int count, int http_status,
                                             const char *oauth_error, int64_t retry_after_s) {
  return capi::guard([&] {
    ct::Failure failure;
    failure.http_status = http_status;
    failure.oauth_error = text(oauth_error);
    failure.retry_after_s = retry_after_s;
    capi::need(server, "server")->server->fail_next(count, std::move(failure));
  });
}

m2mauth_status m2mauth_test_server_stall(m2mauth_test_server *server, unsigned int count, int64_t ms) {
  return capi::guard([&] { capi::need(server, "server")->server->stall(count, ms); });
}

uint64_t m2mauth_test_server_requests(const m2mauth_test_server *server, const char *counter) {
  if (server == nullptr) return 0;
  try {
    return server->server->requests(text(counter));
  } catch (...) {
    return 0;
  }
}

void m2mauth_test_server_revoke_all(m2mauth_test_server *server) {
  if (server != nullptr) server->server->revoke_all();
}

}  // extern "C"
