// A2AClientBuilder: the A2A client's configuration, checked setter by setter, frozen by the first call.
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/senhasegura.hpp"

namespace m2mauth::core {

namespace {

std::shared_ptr<Transport> need_transport(std::shared_ptr<Transport> transport) {
  if (!transport) fail(Errc::invalid_argument, "the A2A client needs a transport");
  return transport;
}

void check_decryption_key(const Key &key) {
  if (key.type() != KeyType::rsa) fail(Errc::key_type, "the A2A decryption key must be an RSA key");
  if (!key.has_private()) fail(Errc::no_private, "the A2A decryption key must be the private key");
}

}  // namespace

A2AClientBuilder::A2AClientBuilder(std::string base_url, std::shared_ptr<Transport> transport)
    : transport_(need_transport(std::move(transport))) {
  Url::parse(base_url);
  config_.base_url = std::move(base_url);
}

A2AClientBuilder::A2AClientBuilder(A2AConfig config, std::shared_ptr<Transport> transport)
    : config_(std::move(config)), transport_(need_transport(std::move(transport))) {
  // Checked now, so that a configuration error shows here rather than at the first call; the client
  // itself is built on first use, so the setters (clock, key, ...) still apply.
  A2AClient check_only(config_, transport_);
}

void A2AClientBuilder::set_auth_method(A2AAuth auth) {
  a2a_auth_from_int(static_cast<int>(auth));
  configure("set_auth_method", [&](A2AConfig &c) { c.auth = auth; });
}

void A2AClientBuilder::set_oauth2_client(std::string client_id, SecretString client_secret) {
  if (client_id.empty() || client_secret.empty())
    fail(Errc::invalid_argument, "client_id and client_secret must not be empty");
  configure("set_oauth2_client", [&](A2AConfig &c) {
    c.client_id = std::move(client_id);
    c.client_secret = std::move(client_secret);
  });
}

void A2AClientBuilder::set_client_auth(ClientAuth auth) {
  if (auth != ClientAuth::client_secret_basic && auth != ClientAuth::client_secret_post)
    fail(Errc::invalid_argument, "A2A client authentication is client_secret_basic or client_secret_post");
  configure("set_client_auth", [&](A2AConfig &c) { c.client_auth = auth; });
}

void A2AClientBuilder::set_tenant(std::string tenant) {
  configure("set_tenant", [&](A2AConfig &c) { c.tenant = std::move(tenant); });
}

void A2AClientBuilder::set_token_url(std::string token_url) {
  Url::parse(token_url);
  configure("set_token_url", [&](A2AConfig &c) { c.token_url = std::move(token_url); });
}

void A2AClientBuilder::set_manager_options(ManagerOptions options) {
  configure("set_manager_options", [&](A2AConfig &c) { c.manager = std::move(options); });
}

void A2AClientBuilder::set_oauth1_credentials(A2AOauth1Credentials cred) {
  if (cred.consumer_key.empty() || cred.token.empty())
    fail(Errc::invalid_argument, "consumer_key and token must not be empty");
  configure("set_oauth1_credentials", [&](A2AConfig &c) {
    c.consumer_key = std::move(cred.consumer_key);
    c.consumer_secret = std::move(cred.consumer_secret);
    c.token = std::move(cred.token);
    c.token_secret = std::move(cred.token_secret);
  });
}

void A2AClientBuilder::set_decryption_key(std::optional<Key> key) {
  if (key) check_decryption_key(*key);
  configure("set_decryption_key", [&](A2AConfig &c) { c.decryption_key = std::move(key); });
}

void A2AClientBuilder::set_clock(Clock clock) {
  configure("set_clock", [&](A2AConfig &c) { c.clock = clock ? std::move(clock) : system_clock(); });
}

std::shared_ptr<A2AClient> A2AClientBuilder::client() {
  gate_.freeze([&] { built_ = std::make_shared<A2AClient>(config_, transport_); });
  return built_;
}

}  // namespace m2mauth::core
