// OAuth 1.0 signer configuration: names, checks, and what is computed once per signer.
#include <algorithm>
#include <string>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "oauth1/oauth1_impl.hpp"

namespace m2mauth::core {

const char *oauth1_method_name(Oauth1Method method) noexcept {
  switch (method) {
    case Oauth1Method::hmac_sha1: return "HMAC-SHA1";
    case Oauth1Method::hmac_sha256: return "HMAC-SHA256";
    case Oauth1Method::rsa_sha1: return "RSA-SHA1";
    case Oauth1Method::rsa_sha256: return "RSA-SHA256";
    case Oauth1Method::plaintext: return "PLAINTEXT";
  }
  return "";
}

Oauth1Method oauth1_method_from_name(std::string_view name) {
  for (int m = 1; m <= 5; ++m)
    if (name == oauth1_method_name(static_cast<Oauth1Method>(m))) return static_cast<Oauth1Method>(m);
  fail(Errc::algorithm, "unknown OAuth 1.0 signature method");
}

const char *oauth1_placement_name(Oauth1Placement placement) noexcept {
  switch (placement) {
    case Oauth1Placement::header: return "header";
    case Oauth1Placement::query: return "query";
    case Oauth1Placement::body: return "body";
  }
  return "";
}

Oauth1Method oauth1_method_from_int(int method) {
  if (method < static_cast<int>(Oauth1Method::hmac_sha1) || method > static_cast<int>(Oauth1Method::plaintext))
    fail(Errc::algorithm, "unknown OAuth 1.0 signature method");
  return static_cast<Oauth1Method>(method);
}

Oauth1Placement oauth1_placement_from_int(int placement) {
  if (placement < static_cast<int>(Oauth1Placement::header) || placement > static_cast<int>(Oauth1Placement::body))
    fail(Errc::invalid_argument, "unknown OAuth 1.0 parameter placement");
  return static_cast<Oauth1Placement>(placement);
}

namespace {

// Protocol parameters the signer writes itself; add_param may not supply them.
bool reserved_name(std::string_view n) {
  static const char *const names[] = {"oauth_consumer_key", "oauth_token",    "oauth_signature_method",
                                      "oauth_signature",    "oauth_timestamp", "oauth_nonce",
                                      "oauth_version",      "oauth_callback", "oauth_verifier"};
  for (const char *r : names)
    if (n == r) return true;
  return false;
}

// RFC 2617 quoted-string content: no control characters; '"' and '\' are escaped.
std::string quoted_realm(const std::string &realm) {
  std::string q;
  for (char c : realm) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) fail(Errc::invalid_argument, "realm contains a control character");
    if (c == '"' || c == '\\') q.push_back('\\');
    q.push_back(c);
  }
  return q;
}

void check_config(const Oauth1Config &c) {
  if (c.consumer_key.empty()) fail(Errc::invalid_argument, "the consumer key is empty");
  if (c.method < Oauth1Method::hmac_sha1 || c.method > Oauth1Method::plaintext)
    fail(Errc::algorithm, "unknown OAuth 1.0 signature method");
  if (c.placement < Oauth1Placement::header || c.placement > Oauth1Placement::body)
    fail(Errc::invalid_argument, "unknown OAuth 1.0 parameter placement");
  if (c.fixed_nonce && c.fixed_nonce->empty()) fail(Errc::invalid_argument, "the nonce is empty");
  if (c.fixed_timestamp && *c.fixed_timestamp < 0) fail(Errc::invalid_argument, "the timestamp is negative");
  for (std::size_t i = 0; i < c.extra_params.size(); ++i) {
    const std::string &n = c.extra_params[i].first;
    if (n.size() <= 6 || n.compare(0, 6, "oauth_") != 0)
      fail(Errc::invalid_argument, "extra protocol parameter names start with \"oauth_\"");
    if (reserved_name(n)) fail(Errc::invalid_argument, "parameter " + n + " is set by the signer itself");
    if (c.body_hash && n == "oauth_body_hash")
      fail(Errc::invalid_argument, "parameter oauth_body_hash is set by the signer itself when body_hash is on");
    for (std::size_t j = 0; j < i; ++j)
      if (c.extra_params[j].first == n) fail(Errc::invalid_argument, "parameter " + n + " is given twice");
  }
  if (c.rsa_key) {
    const Key &k = *c.rsa_key;
    if (k.type() != KeyType::rsa) fail(Errc::key_type, "RSA-SHA1 and RSA-SHA256 need an RSA key");
    if (!k.has_private()) fail(Errc::no_private, "RSA signing needs a private key");
    if (k.bits() < 2048) fail(Errc::key_type, "RSA keys must have at least 2048 bits");
  }
}

// The sorted protocol parameters around the nonce and timestamp slots (see oauth1::ProtocolBlock).
oauth1::ProtocolBlock protocol_block(std::vector<std::pair<std::string, std::string>> params, bool twice) {
  std::sort(params.begin(), params.end());
  auto enc = [&](const std::string &s) { return twice ? percent_encode(s) : s; };
  const std::string eq = twice ? "%3D" : "=", sep = twice ? "%26" : "&";
  oauth1::ProtocolBlock b;
  b.mid = sep;
  for (const auto &[n, v] : params) {
    std::string pair = enc(n) + eq + enc(v);
    if (n < "oauth_nonce") b.head += pair + sep;
    else if (n < "oauth_timestamp") b.mid += pair + sep;
    else b.tail += sep + pair;
  }
  return b;
}

}  // namespace

Oauth1Signer::Impl::Impl(Oauth1Config c) : config(std::move(c)) {
  check_config(config);
  auto add = [&](std::string_view name, std::string_view value) {
    static_params.emplace_back(percent_encode(name), percent_encode(value));
  };
  add("oauth_consumer_key", config.consumer_key);
  if (config.token) add("oauth_token", *config.token);
  add("oauth_signature_method", oauth1_method_name(config.method));
  if (config.include_version) add("oauth_version", "1.0");
  if (config.callback) add("oauth_callback", *config.callback);
  if (config.verifier) add("oauth_verifier", *config.verifier);
  for (const auto &[n, v] : config.extra_params) add(n, v);

  block_once = protocol_block(static_params, false);
  block_twice = protocol_block(static_params, true);

  header_prefix = "OAuth ";
  if (config.realm) header_prefix += "realm=\"" + quoted_realm(*config.realm) + "\", ";
  for (const auto &[n, v] : static_params) {
    header_prefix += n + "=\"" + v + "\", ";
    form_prefix += n + "=" + v + "&";
  }

  // Section 3.4.2: key = percent(consumer secret) "&" percent(token secret), built in wiped memory.
  std::string k;
  k.reserve(3 * (config.consumer_secret.size() + config.token_secret.size()) + 1);
  percent_encode_append(k, config.consumer_secret.reveal());
  k.push_back('&');
  percent_encode_append(k, config.token_secret.reveal());
  key = SecretBytes(k);
  secure_wipe(k);
}

void Oauth1Signer::Impl::check_ready() const {
  if (is_rsa() && !config.rsa_key)
    fail(Errc::config, std::string(oauth1_method_name(config.method)) + " needs an RSA private key");
}

Oauth1Signer::Oauth1Signer(Oauth1Config config) : impl_(std::make_shared<const Impl>(std::move(config))) {}

const Oauth1Config &Oauth1Signer::config() const noexcept { return impl_->config; }

void Oauth1Signer::check_ready() const { impl_->check_ready(); }

}  // namespace m2mauth::core
