// RFC 8693 token exchange for m2mauth.OAuth2Client: _m2mauth._token_exchange(client, ...) sends one
// exchange with the client's authentication, through the client's token manager (cached) or not. The
// request is built and checked by the library (m2mauth::TokenExchange); the GIL is released around it.
#include <pybind11/stl.h>

#include "oauth2_manager.hpp"

namespace m2mauth_py {

void register_exchange(py::module_ &m) {
  m.def("_token_exchange", [](ManagerHandle &self, bool cached, const std::string &subject_token,
                              const std::string &subject_token_type, const std::optional<std::string> &actor_token,
                              const std::optional<std::string> &actor_token_type,
                              const std::optional<std::string> &requested_token_type,
                              const std::vector<std::string> &audiences, const std::vector<std::string> &resources,
                              const std::optional<std::string> &scope, std::int64_t timeout_ms,
                              const m2mauth::Cancel *cancel) {
    auto c = self.need();
    m2mauth::TokenExchange x(subject_token, subject_token_type);
    if (actor_token || actor_token_type) {
      if (!actor_token || !actor_token_type)
        throw py::value_error("actor_token and actor_token_type go together (RFC 8693 section 2.1)");
      x.set_actor(*actor_token, *actor_token_type);
    }
    if (requested_token_type) x.set_requested_type(*requested_token_type);
    for (const auto &a : audiences) x.add_audience(a);
    for (const auto &r : resources) x.add_resource(r);
    if (scope) x.set_scope(*scope);
    const m2mauth::CallOptions options = call_options(timeout_ms, cancel);
    std::optional<m2mauth::Token> t;
    {
      ReleaseGil nogil;
      if (cached) {
        t.emplace(c->manager->exchange(x, options));
      } else {
        std::lock_guard<std::mutex> lock(c->client_mu);
        if (!c->client) c->client.emplace(c->config->token_client(c->http.get()));
        t.emplace(c->client->exchange(x, options));
      }
    }
    return py::make_tuple(py::str(t->access_token().data(), t->access_token().size()), py::str(std::string(t->type())),
                          static_cast<double>(t->expires_at_ms()) / 1000.0, py::str(std::string(t->scope())),
                          py::str(std::string(t->issued_token_type())));
  }, py::arg("client"), py::arg("cached"), py::arg("subject_token"), py::arg("subject_token_type"),
     py::arg("actor_token").none(true), py::arg("actor_token_type").none(true),
     py::arg("requested_token_type").none(true), py::arg("audiences"), py::arg("resources"),
     py::arg("scope").none(true), py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none());
}

}  // namespace m2mauth_py
