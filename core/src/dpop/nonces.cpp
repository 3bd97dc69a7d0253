// DPoP server nonces (RFC 9449 sections 8 and 9): the newest DPoP-Nonce of each origin, and the
// responses that ask for one.
#include <cctype>

#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"

namespace m2mauth::core {

namespace {

// RFC 9449 section 8.1: nonce = 1*NQCHAR (visible ASCII but '"' and '\').
bool nonce_syntax_ok(std::string_view nonce) noexcept {
  if (nonce.empty() || nonce.size() > Dpop::kMaxNonce) return false;
  for (char c : nonce) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A WWW-Authenticate value with a DPoP challenge (RFC 9110 section 11.6.1) whose error parameter is
// use_dpop_nonce. The scheme is matched as a whole word; the parameter is looked for in the text
// after it, up to the next challenge scheme named Bearer (the one other scheme servers send with it).
bool dpop_challenge_asks_nonce(std::string_view value) {
  const std::string v = lower(value);
  for (std::size_t at = v.find("dpop"); at != std::string::npos; at = v.find("dpop", at + 4)) {
    const bool start_ok = at == 0 || v[at - 1] == ' ' || v[at - 1] == ',' || v[at - 1] == '\t';
    const bool end_ok = at + 4 == v.size() || v[at + 4] == ' ' || v[at + 4] == '\t';
    if (!start_ok || !end_ok) continue;
    std::string_view rest(v);
    rest = rest.substr(at + 4);
    const std::size_t next = rest.find("bearer ");
    rest = rest.substr(0, next);
    return rest.find("error=\"use_dpop_nonce\"") != std::string_view::npos ||
           rest.find("error=use_dpop_nonce") != std::string_view::npos;
  }
  return false;
}

}  // namespace

bool dpop_nonce_challenge(const Response &resp) {
  if (resp.status == 401) {
    for (const auto &[name, value] : resp.headers)
      if (header_name_equal(name, "WWW-Authenticate") && dpop_challenge_asks_nonce(value)) return true;
    return false;
  }
  if (resp.status != 400 || resp.body.empty() || resp.body.size() > 65536) return false;
  try {
    Json body = json_parse_object(resp.body, "token error response");
    const cJSON *error = json_get(body.get(), "error");
    return cJSON_IsString(error) && std::string_view(error->valuestring) == "use_dpop_nonce";
  } catch (const Error &) {
    return false;
  }
}

bool Dpop::remember_nonce(std::string_view url, std::string_view nonce) {
  if (!nonce_syntax_ok(nonce)) return false;
  std::string origin = dpop_origin(url);
  std::lock_guard<std::mutex> lock(mu_);
  const std::uint64_t now = ++tick_;
  auto it = nonces_.find(origin);
  if (it != nonces_.end()) {
    it->second.set_at = now;
    if (it->second.nonce == nonce) return false;
    it->second.nonce.assign(nonce);
    return true;
  }
  if (nonces_.size() >= kMaxOrigins) {  // forget the origin set longest ago
    auto oldest = nonces_.begin();
    for (auto n = nonces_.begin(); n != nonces_.end(); ++n)
      if (n->second.set_at < oldest->second.set_at) oldest = n;
    nonces_.erase(oldest);
  }
  nonces_.emplace(std::move(origin), Remembered{std::string(nonce), now});
  return true;
}

bool Dpop::observe(std::string_view url, const Response &resp) {
  const std::string *nonce = resp.header("DPoP-Nonce");
  return nonce != nullptr && remember_nonce(url, *nonce);
}

bool Dpop::nonce_retry(std::string_view url, const Response &resp) {
  observe(url, resp);
  return dpop_nonce_challenge(resp) && !nonce_for(url).empty();
}

std::string Dpop::nonce_for(std::string_view url) const {
  const std::string origin = dpop_origin(url);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = nonces_.find(origin);
  return it == nonces_.end() ? std::string() : it->second.nonce;
}

}  // namespace m2mauth::core
