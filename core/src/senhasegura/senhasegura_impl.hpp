// Internal: what the senhasegura A2A sources share.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/http.hpp"
#include "m2mauth/core/secret.hpp"
#include "m2mauth/core/senhasegura.hpp"

namespace m2mauth::core::a2a {

// The transport of the token client, which the token manager also sends API requests through. An
// error answer of the token endpoint that carries the A2A envelope and no RFC 6749 "error" member (the
// 403 of an unregistered client certificate) becomes the same vendor Error an API call gives; every
// other answer (API calls above all: the manager must see their 401) passes unchanged.
class TokenTransport final : public Transport {
 public:
  TokenTransport(std::shared_ptr<Transport> inner, std::string token_url, const std::vector<std::string_view> &secrets,
                 Clock clock)
      : inner_(std::move(inner)), token_url_(std::move(token_url)), clock_(std::move(clock)) {
    for (std::string_view s : secrets) secrets_.emplace_back(std::string(s));
  }
  Response send(const Request &req, const CallOptions &options) override;

 private:
  std::shared_ptr<Transport> inner_;
  std::string token_url_;
  std::vector<SecretString> secrets_;  // for redaction only
  Clock clock_;
};

// The credential of the Authorization header of the last API request (not a token request) the
// TokenTransport sent on this thread: the bearer token a failed call's message must not echo.
SecretString &last_api_credential();

// "module/function/arg" (a leading "/" or "iso/" dropped) split into segments; throws
// Error(invalid_argument) for fewer than two segments, empty, "." or ".." segments.
std::vector<std::string> split_path(std::string_view path);
// "/iso/" + each segment percent-encoded (RFC 3986 unreserved, ":" and "@" kept); throws
// Error(invalid_argument) for an empty, "." or ".." segment (core::path_segment_append).
std::string encode_path(const std::vector<std::string> &segments);

}  // namespace m2mauth::core::a2a
