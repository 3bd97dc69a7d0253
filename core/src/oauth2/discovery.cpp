// RFC 8414 and OpenID Connect discovery of the token endpoint.
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/oauth2.hpp"

namespace m2mauth::core {

std::string discover_token_endpoint(Transport &transport, const std::string &issuer) {
  Url u = Url::parse(issuer);
  if (u.has_query) fail(Errc::invalid_argument, "an issuer has no query");
  // The issuer's path goes into the metadata URL as it is: a "." or ".." segment would be resolved
  // away by the URL's normalisation and fetch metadata from another path.
  for (std::size_t start = 0; start < u.path.size();) {
    std::size_t end = u.path.find('/', start + 1);
    if (end == std::string::npos) end = u.path.size();
    std::string_view segment = std::string_view(u.path).substr(start + 1, end - start - 1);
    if (segment == "." || segment == "..") fail(Errc::invalid_argument, "an issuer's path has no \".\" or \"..\" segment");
    start = end;
  }
  std::string path = u.path == "/" ? "" : u.path;
  while (!path.empty() && path.back() == '/') path.pop_back();
  // RFC 8414 3: the well-known segment goes between the host and the issuer's path;
  // OpenID Connect Discovery 4: it is appended to the issuer.
  const std::vector<std::string> candidates = {
      u.origin() + "/.well-known/oauth-authorization-server" + path,
      u.origin() + path + "/.well-known/openid-configuration",
  };
  std::string last_problem = "no metadata found";
  for (const auto &url : candidates) {
    Request req;
    req.url = url;
    req.set_header("Accept", "application/json");
    CallOptions opts;
    opts.max_response_bytes = 1u << 20;
    Response resp = transport.send(req, opts);
    if (resp.status == 404) continue;
    if (resp.status != 200) {
      ErrorDetail d;
      d.http_status = resp.status;
      d.transient = resp.status >= 500 || resp.status == 429;
      throw Error(Errc::http, "metadata endpoint answered HTTP " + std::to_string(resp.status), d);
    }
    Json meta = json_parse_object(resp.body, "authorization server metadata");
    auto iss = json_get_string(meta.get(), "issuer", "authorization server metadata");
    if (!iss || *iss != issuer) {
      last_problem = "metadata \"issuer\" does not equal the configured issuer";
      continue;
    }
    auto token = json_get_string(meta.get(), "token_endpoint", "authorization server metadata");
    if (!token || token->empty()) fail(Errc::protocol, "metadata has no \"token_endpoint\"");
    check_url_security(std::string(*token), false);
    return std::string(*token);
  }
  fail(Errc::protocol, "discovery failed: " + last_problem);
}

}  // namespace m2mauth::core
