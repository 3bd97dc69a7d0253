// The token-endpoint test double for m2mauth.testing.TokenServer: _m2mauth._TestServer over
// m2mauth::testing::TokenServer (testing.hpp). Arguments are validated by the Python layer and by the
// library; the GIL is released while the server starts and stops (stop joins its threads).
#include <pybind11/stl.h>

#include "binding.hpp"
#include "m2mauth/testing.hpp"

namespace m2mauth_py {

namespace {

using m2mauth::testing::TokenServer;

std::unique_ptr<TokenServer> make_server(bool tls, bool request_client_cert, std::int64_t token_lifetime_s,
                                         int token_format, const std::optional<std::string> &extra_claims_json,
                                         const std::optional<std::string> &audience, std::size_t max_body_bytes,
                                         std::size_t max_headers, std::int64_t read_timeout_ms,
                                         std::int64_t clock_offset_s, const std::optional<std::string> &dpop_nonce) {
  m2mauth::testing::ServerOptions o;
  o.tls = tls;
  o.request_client_cert = request_client_cert;
  o.token_lifetime_s = token_lifetime_s;
  o.token_format = static_cast<m2mauth::testing::TokenFormat>(token_format);
  o.extra_claims_json = extra_claims_json;
  o.audience = audience;
  o.max_body_bytes = max_body_bytes;
  o.max_headers = max_headers;
  o.read_timeout_ms = read_timeout_ms;
  o.clock_offset_s = clock_offset_s;
  o.dpop_nonce = dpop_nonce;
  ReleaseGil nogil;  // key generation
  return std::make_unique<TokenServer>(o);
}

}  // namespace

void register_testing(py::module_ &m) {
  py::class_<TokenServer>(m, "_TestServer")
      .def(py::init(&make_server), py::arg("tls"), py::arg("request_client_cert"), py::arg("token_lifetime_s"),
           py::arg("token_format"), py::arg("extra_claims_json").none(true), py::arg("audience").none(true),
           py::arg("max_body_bytes"), py::arg("max_headers"), py::arg("read_timeout_ms"),
           py::arg("clock_offset_s"), py::arg("dpop_nonce").none(true))
      .def("start", [](TokenServer &s) {
        ReleaseGil nogil;
        s.start();
      })
      .def("stop", [](TokenServer &s) {
        ReleaseGil nogil;
        s.stop();
      })
      .def("url", &TokenServer::url)
      .def("ca_pem", &TokenServer::ca_pem)
      .def("add_client",
           [](TokenServer &s, const std::string &client_id, int auth_method, const std::optional<std::string> &secret,
              const std::optional<std::string> &public_key, const std::optional<std::string> &tls_subject,
              const std::optional<std::string> &tls_thumbprint, const std::optional<std::string> &scopes) {
             m2mauth::testing::Client c;
             c.client_id = client_id;
             c.auth_method = static_cast<m2mauth::testing::ClientAuth>(auth_method);
             c.secret = secret;
             c.public_key = public_key;
             c.tls_subject = tls_subject;
             c.tls_thumbprint = tls_thumbprint;
             c.scopes = scopes;
             s.add_client(c);
           },
           py::arg("client_id"), py::arg("auth_method"), py::arg("secret").none(true),
           py::arg("public_key").none(true), py::arg("tls_subject").none(true),
           py::arg("tls_thumbprint").none(true), py::arg("scopes").none(true))
      .def("fail_next", &TokenServer::fail_next, py::arg("count"), py::arg("http_status"), py::arg("oauth_error"),
           py::arg("retry_after_s"))
      .def("stall", &TokenServer::stall, py::arg("count"), py::arg("ms"))
      .def("requests", &TokenServer::requests, py::arg("counter"))
      .def("revoke_all", &TokenServer::revoke_all);
}

}  // namespace m2mauth_py
