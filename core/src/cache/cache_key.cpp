// The cache key of a token: a SHA-256 over what makes two tokens differ, never a client id in clear.
#include <cstdint>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/shared_cache.hpp"

namespace m2mauth::core {

namespace {

// Each field length-prefixed, so no two different sets of fields give the same input.
void field(std::string &out, std::string_view name, std::string_view value) {
  out.append(name);
  out.push_back('=');
  out.append(std::to_string(value.size()));
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

}  // namespace

std::string shared_cache_key(const ClientConfig &client, const TokenScope &scope, const std::string &prefix) {
  std::string in = "m2mauth shared token cache v1\n";
  field(in, "token_endpoint", client.token_url);
  field(in, "client_id", client.client_id);
  field(in, "grant", std::to_string(static_cast<int>(client.grant)));
  field(in, "auth_method", client_auth_name(client.auth));
  field(in, "jwt_bearer_subject", client.jwt_bearer_subject);
  field(in, "scope", scope.scope);
  field(in, "audience", scope.audience);
  field(in, "resources", std::to_string(scope.resources.size()));
  for (const auto &r : scope.resources) field(in, "resource", r);
  field(in, "params", std::to_string(client.extra_params.size()));
  for (const auto &p : client.extra_params) {
    field(in, "param_name", p.first);
    field(in, "param_value", p.second);
  }
  field(in, "dpop_jkt", scope.dpop_jkt);
  field(in, "exchange", scope.exchange_key);
  const std::string d = digest(HashAlg::sha256, in);
  return prefix + hex_encode(reinterpret_cast<const std::uint8_t *>(d.data()), d.size());
}

}  // namespace m2mauth::core
