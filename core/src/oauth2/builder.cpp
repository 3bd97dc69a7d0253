// TokenClientBuilder: the token client's configuration, checked setter by setter, frozen by the first use.
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/oauth2.hpp"

namespace m2mauth::core {

namespace {

std::shared_ptr<Transport> need_transport(std::shared_ptr<Transport> transport) {
  if (!transport) fail(Errc::invalid_argument, "the token client needs a transport");
  return transport;
}

void check_client_id(const std::string &client_id) {
  if (client_id.empty()) fail(Errc::invalid_argument, "client_id is empty");
}

}  // namespace

void check_assertion_options(const AssertionOptions &o) {
  alg_or_default_from_int(o.alg);
  if (o.lifetime_s < 10 || o.lifetime_s > 3600)
    fail(Errc::invalid_argument, "assertion lifetime must be 10 to 3600 seconds");
  if (o.clock_skew_s < 0 || o.clock_skew_s > 300)
    fail(Errc::invalid_argument, "assertion clock skew must be 0 to 300 seconds");
  if (o.cert) cert_members_from_bits(o.cert_members);
}

TokenClientBuilder::TokenClientBuilder(std::string token_url, std::string client_id, std::shared_ptr<Transport> transport)
    : transport_(need_transport(std::move(transport))) {
  Url::parse(token_url);  // the transport refuses plain http to non-loopback hosts
  check_client_id(client_id);
  config_.token_url = std::move(token_url);
  config_.client_id = std::move(client_id);
}

TokenClientBuilder::TokenClientBuilder(ClientConfig config, std::shared_ptr<Transport> transport)
    : config_(std::move(config)), transport_(need_transport(std::move(transport))) {
  Url::parse(config_.token_url);
  check_client_id(config_.client_id);
  AssertionOptions a;
  a.alg = config_.assertion_alg;
  a.lifetime_s = config_.assertion_lifetime_s;
  a.clock_skew_s = config_.assertion_clock_skew_s;
  a.cert = config_.assertion_cert;
  a.cert_members = config_.assertion_cert_members;
  check_assertion_options(a);
  if (config_.default_expires_in_s <= 0) fail(Errc::invalid_argument, "default expires_in must be positive");
}

void TokenClientBuilder::set_auth_method(ClientAuth auth) {
  client_auth_from_int(static_cast<int>(auth));
  configure("set_auth_method", [&](ClientConfig &c) { c.auth = auth; });
}

void TokenClientBuilder::set_secret(SecretString secret) {
  configure("set_secret", [&](ClientConfig &c) { c.client_secret = std::move(secret); });
}

void TokenClientBuilder::set_private_key(Key key) {
  configure("set_private_key", [&](ClientConfig &c) {
    c.private_key = std::move(key);
    c.key_source.reset();
  });
}

void TokenClientBuilder::set_key_source(std::shared_ptr<KeySource> source) {
  if (!source) fail(Errc::invalid_argument, "no key source");
  Key first = source->current();
  configure("set_key_source", [&](ClientConfig &c) {
    c.private_key = std::move(first);
    c.key_source = std::move(source);
  });
}

void TokenClientBuilder::set_grant(Grant grant) {
  grant_from_int(static_cast<int>(grant));
  configure("set_grant", [&](ClientConfig &c) { c.grant = grant; });
}

void TokenClientBuilder::set_subject(std::string subject) {
  configure("set_subject", [&](ClientConfig &c) { c.jwt_bearer_subject = std::move(subject); });
}

void TokenClientBuilder::set_scope(std::string scope) {
  configure("set_scope", [&](ClientConfig &c) { c.scope.scope = std::move(scope); });
}

void TokenClientBuilder::set_audience(std::string audience) {
  configure("set_audience", [&](ClientConfig &c) { c.scope.audience = std::move(audience); });
}

void TokenClientBuilder::add_resource(std::string resource) {
  configure("add_resource", [&](ClientConfig &c) { c.scope.resources.push_back(std::move(resource)); });
}

void TokenClientBuilder::add_param(std::string name, std::string value) {
  if (name.empty()) fail(Errc::invalid_argument, "parameter name is empty");
  configure("add_param", [&](ClientConfig &c) { c.extra_params.emplace_back(std::move(name), std::move(value)); });
}

void TokenClientBuilder::set_assertion(AssertionOptions o) {
  check_assertion_options(o);
  configure("set_assertion", [&](ClientConfig &c) {
    c.assertion_audience = std::move(o.audience);
    c.assertion_alg = o.alg;
    c.assertion_lifetime_s = o.lifetime_s;
    c.assertion_clock_skew_s = o.clock_skew_s;
    c.assertion_kid = std::move(o.kid);
    c.assertion_kid_thumbprint = o.kid_thumbprint;
    c.assertion_cert_members = o.cert ? o.cert_members : 0;
    c.assertion_cert = std::move(o.cert);
  });
}

void TokenClientBuilder::set_default_expires_in(std::int64_t seconds) {
  if (seconds <= 0) fail(Errc::invalid_argument, "default expires_in must be positive");
  configure("set_default_expires_in", [&](ClientConfig &c) { c.default_expires_in_s = seconds; });
}

void TokenClientBuilder::set_clock(Clock clock) {
  configure("set_clock", [&](ClientConfig &) { clock_ = clock ? std::move(clock) : system_clock(); });
}

void TokenClientBuilder::set_dpop(std::shared_ptr<Dpop> dpop) {
  configure("set_dpop", [&](ClientConfig &c) { c.dpop = std::move(dpop); });
}

std::shared_ptr<TokenClient> TokenClientBuilder::client() {
  gate_.freeze([&] { built_ = std::make_shared<TokenClient>(config_, transport_, clock_); });
  return built_;
}

}  // namespace m2mauth::core
