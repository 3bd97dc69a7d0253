// Internal: what the token manager does for DPoP-bound tokens on the requests it authorizes.
#pragma once

#include "m2mauth/core/request.hpp"
#include "m2mauth/core/token_manager.hpp"

namespace m2mauth::core {

// Sets "Authorization: <scheme> <token>" on req (replacing any previous value) and, when the token is
// DPoP-bound and the client has a DPoP key, a DPoP header with a fresh proof for req's method and URL
// carrying ath and the origin's newest nonce (RFC 9449 section 7.1).
void authorize_with(Request &req, const TokenView &v, const TokenClient &client);

// After a send of req: remembers the response's DPoP-Nonce for req's origin (also on success) and
// returns true when resp is a DPoP nonce challenge (RFC 9449 section 9) that a second proof with the
// new nonce may answer. Always false without DPoP.
bool dpop_nonce_retry(const Request &req, const Response &resp, const TokenClient &client);

}  // namespace m2mauth::core
