// C API: RFC 8693 token exchange requests, sent by a token client or cached by a token manager.
#include <string>

#include "call_options.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "m2mauth/core/token_exchange.hpp"

using namespace m2mauth;

struct m2mauth_token_exchange {
  core::TokenExchange exchange;
};

namespace {

core::TokenExchange &exchange_of(m2mauth_token_exchange *x) { return capi::need(x, "exchange")->exchange; }

// Applies change to a copy, checks the whole request (the core's rules), then keeps it.
template <typename F>
void change(m2mauth_token_exchange *x, F &&f) {
  core::TokenExchange &current = exchange_of(x);
  core::TokenExchange candidate = current;
  f(candidate);
  core::check_token_exchange(candidate);
  current = std::move(candidate);
}

std::string text_or_empty(const char *s) { return s == nullptr ? std::string() : std::string(s); }

}  // namespace

extern "C" {

m2mauth_status m2mauth_token_exchange_new(m2mauth_token_exchange **out, const char *subject_token,
                                          const char *subject_token_type) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    capi::need(subject_token, "subject_token");
    capi::need(subject_token_type, "subject_token_type");
    auto x = std::make_unique<m2mauth_token_exchange>();
    x->exchange.subject_token = core::SecretString(std::string(subject_token));
    x->exchange.subject_token_type = subject_token_type;
    core::check_token_exchange(x->exchange);
    *out = x.release();
  });
}

void m2mauth_token_exchange_free(m2mauth_token_exchange *exchange) { delete exchange; }

m2mauth_status m2mauth_token_exchange_set_actor(m2mauth_token_exchange *exchange, const char *actor_token,
                                                const char *actor_token_type) {
  return capi::guard([&] {
    if ((actor_token == nullptr) != (actor_token_type == nullptr))
      throw core::Error(core::Errc::invalid_argument, "token exchange: actor_token and actor_token_type go together");
    change(exchange, [&](core::TokenExchange &x) {
      x.actor_token = core::SecretString(text_or_empty(actor_token));
      x.actor_token_type = text_or_empty(actor_token_type);
      if (actor_token != nullptr && x.actor_token.empty())
        throw core::Error(core::Errc::invalid_argument, "token exchange: actor_token is empty");
    });
  });
}

m2mauth_status m2mauth_token_exchange_set_requested_type(m2mauth_token_exchange *exchange, const char *token_type) {
  return capi::guard([&] { change(exchange, [&](core::TokenExchange &x) { x.requested_token_type = text_or_empty(token_type); }); });
}

m2mauth_status m2mauth_token_exchange_add_audience(m2mauth_token_exchange *exchange, const char *audience) {
  return capi::guard([&] {
    capi::need(audience, "audience");
    change(exchange, [&](core::TokenExchange &x) { x.audiences.emplace_back(audience); });
  });
}

m2mauth_status m2mauth_token_exchange_add_resource(m2mauth_token_exchange *exchange, const char *resource) {
  return capi::guard([&] {
    capi::need(resource, "resource");
    change(exchange, [&](core::TokenExchange &x) { x.resources.emplace_back(resource); });
  });
}

m2mauth_status m2mauth_token_exchange_set_scope(m2mauth_token_exchange *exchange, const char *scope) {
  return capi::guard([&] { change(exchange, [&](core::TokenExchange &x) { x.scope = text_or_empty(scope); }); });
}

m2mauth_status m2mauth_token_client_exchange(m2mauth_token **out, m2mauth_token_client *client,
                                             const m2mauth_token_exchange *exchange, const m2mauth_call_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    capi::need(exchange, "exchange");
    core::CallOptions options = capi::call_options(opts);
    auto c = capi::need(client, "client")->builder.client();
    *out = new m2mauth_token{c->exchange(exchange->exchange, options)};
  });
}

m2mauth_status m2mauth_token_manager_exchange(m2mauth_token **out, m2mauth_token_manager *manager,
                                              const m2mauth_token_exchange *exchange, const m2mauth_call_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    capi::need(exchange, "exchange");
    core::CallOptions options = capi::call_options(opts);
    core::TokenView v = capi::need(manager, "manager")->manager->exchange(exchange->exchange, &options);
    auto t = std::make_unique<m2mauth_token>();
    t->token.access_token = core::SecretString(std::string(v.access_token));
    t->token.token_type = std::string(v.scheme);
    t->token.expires_at_ms = v.expires_at_ms;
    t->token.scope = std::string(v.scope);
    t->token.issued_token_type = std::string(v.issued_token_type);
    *out = t.release();
  });
}

const char *m2mauth_token_issued_token_type(const m2mauth_token *token) {
  return token == nullptr ? "" : token->token.issued_token_type.c_str();
}

}  // extern "C"
