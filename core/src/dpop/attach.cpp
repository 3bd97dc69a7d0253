// The token manager's requests with DPoP-bound tokens: Authorization: DPoP <token> plus a proof.
#include "dpop/attach.hpp"

#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

void authorize_with(Request &req, const TokenView &v, const TokenClient &client) {
  std::string value;
  value.reserve(v.scheme.size() + 1 + v.access_token.size());
  value.append(v.scheme).push_back(' ');
  value.append(v.access_token);
  req.set_header("Authorization", std::move(value));
  const std::shared_ptr<Dpop> &dpop = client.config().dpop;
  if (dpop && v.scheme == "DPoP")
    req.set_header("DPoP", dpop->proof(req.method, req.url, v.access_token, nullptr, client.clock()() / 1000));
  else
    req.remove_header("DPoP");  // a Bearer token (RFC 9449 section 5: a Bearer answer is used as Bearer)
}

bool dpop_nonce_retry(const Request &req, const Response &resp, const TokenClient &client) {
  const std::shared_ptr<Dpop> &dpop = client.config().dpop;
  if (!dpop || req.header("DPoP") == nullptr) return false;
  return dpop->nonce_retry(req.url, resp);
}

}  // namespace m2mauth::core
