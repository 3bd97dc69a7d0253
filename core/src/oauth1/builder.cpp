// Oauth1SignerBuilder: the signer's configuration, rebuilt and checked by each setter, frozen by the
// first signature.
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/oauth1.hpp"

namespace m2mauth::core {

namespace {

Oauth1Config first_config(std::string consumer_key) {
  Oauth1Config c;
  c.consumer_key = std::move(consumer_key);
  return c;
}

}  // namespace

Oauth1SignerBuilder::Oauth1SignerBuilder(std::string consumer_key) : signer_(first_config(std::move(consumer_key))) {}

// Changes a copy of the configuration and builds a new signer from it; the builder changes only when
// both succeed. Replaced secrets are wiped with the old configuration.
template <typename F>
void Oauth1SignerBuilder::configure(const char *setter, F &&change) {
  gate_.configure(setter, [&] {
    Oauth1Config c = signer_.config();
    change(c);
    signer_ = Oauth1Signer(std::move(c));
  });
}

void Oauth1SignerBuilder::set_consumer_secret(SecretString secret) {
  configure("set_consumer_secret", [&](Oauth1Config &c) { c.consumer_secret = std::move(secret); });
}

void Oauth1SignerBuilder::set_token(std::optional<std::string> token, SecretString token_secret) {
  configure("set_token", [&](Oauth1Config &c) {
    c.token = token && !token->empty() ? std::move(token) : std::nullopt;
    c.token_secret = std::move(token_secret);
  });
}

void Oauth1SignerBuilder::set_rsa_key(std::optional<Key> key) {
  configure("set_rsa_key", [&](Oauth1Config &c) { c.rsa_key = std::move(key); });
}

void Oauth1SignerBuilder::set_method(Oauth1Method method) {
  configure("set_method", [&](Oauth1Config &c) { c.method = method; });
}

void Oauth1SignerBuilder::set_placement(Oauth1Placement placement) {
  configure("set_placement", [&](Oauth1Config &c) { c.placement = placement; });
}

void Oauth1SignerBuilder::set_realm(std::optional<std::string> realm) {
  configure("set_realm", [&](Oauth1Config &c) { c.realm = std::move(realm); });
}

void Oauth1SignerBuilder::set_include_version(bool include) {
  configure("set_include_version", [&](Oauth1Config &c) { c.include_version = include; });
}

void Oauth1SignerBuilder::set_callback(std::optional<std::string> callback) {
  configure("set_callback", [&](Oauth1Config &c) { c.callback = std::move(callback); });
}

void Oauth1SignerBuilder::set_verifier(std::optional<std::string> verifier) {
  configure("set_verifier", [&](Oauth1Config &c) { c.verifier = std::move(verifier); });
}

void Oauth1SignerBuilder::add_param(std::string name, std::string value) {
  configure("add_param", [&](Oauth1Config &c) { c.extra_params.emplace_back(std::move(name), std::move(value)); });
}

void Oauth1SignerBuilder::clear_params() {
  configure("clear_params", [&](Oauth1Config &c) { c.extra_params.clear(); });
}

void Oauth1SignerBuilder::set_clock(Clock clock) {
  configure("set_clock", [&](Oauth1Config &c) { c.clock = std::move(clock); });
}

void Oauth1SignerBuilder::set_fixed_nonce(std::optional<std::string> nonce) {
  configure("set_fixed_nonce", [&](Oauth1Config &c) { c.fixed_nonce = std::move(nonce); });
}

void Oauth1SignerBuilder::set_fixed_timestamp(std::optional<std::int64_t> unix_seconds) {
  configure("set_fixed_timestamp", [&](Oauth1Config &c) { c.fixed_timestamp = unix_seconds; });
}

void Oauth1SignerBuilder::set_body_hash(bool on) {
  configure("set_body_hash", [&](Oauth1Config &c) { c.body_hash = on; });
}

}  // namespace m2mauth::core
