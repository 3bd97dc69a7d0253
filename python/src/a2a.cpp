// senhasegura A2A: m2mauth::A2AClient as _m2mauth.A2AClient (configured in one call from
// m2mauth.senhasegura.A2AClient), decryption and certificate fingerprints. Calls run without the GIL;
// results (JSON text that may hold decrypted secrets) stay in wiped buffers until copied to Python.
#include <pybind11/stl.h>

#include "binding.hpp"

namespace m2mauth_py {

namespace {

using Opt = std::optional<std::string>;

struct A2ACore {
  std::shared_ptr<const m2mauth::Http> http;
  std::shared_ptr<const m2mauth::Config> config;
  std::shared_ptr<const m2mauth::Key> key;
  std::optional<m2mauth::A2AClient> client;
};

using PyA2A = Holder<A2ACore, Kind::a2a>;

struct A2AArgs {
  std::string base_url;
  int auth = M2MAUTH_A2A_OAUTH2;
  Opt client_id, client_secret, tenant, token_url, consumer_key, consumer_secret, token, token_secret;
  int client_auth = M2MAUTH_AUTH_CLIENT_SECRET_BASIC;
};

template <typename F>
py::str secret_call(const PyA2A &self, F &&call) {
  auto core = self.need("A2A client");
  std::optional<m2mauth::Secret> out;
  {
    ReleaseGil nogil;
    out.emplace(call(const_cast<m2mauth::A2AClient &>(*core->client)));
  }
  py::str s(out->view().data(), out->size());
  return s;
}

}  // namespace

void register_a2a(py::module_ &m) {
  py::class_<A2AArgs>(m, "A2AArgs")
      .def(py::init<>())
      .def_readwrite("base_url", &A2AArgs::base_url)
      .def_readwrite("auth", &A2AArgs::auth)
      .def_readwrite("client_id", &A2AArgs::client_id)
      .def_readwrite("client_secret", &A2AArgs::client_secret)
      .def_readwrite("client_auth", &A2AArgs::client_auth)
      .def_readwrite("tenant", &A2AArgs::tenant)
      .def_readwrite("token_url", &A2AArgs::token_url)
      .def_readwrite("consumer_key", &A2AArgs::consumer_key)
      .def_readwrite("consumer_secret", &A2AArgs::consumer_secret)
      .def_readwrite("token", &A2AArgs::token)
      .def_readwrite("token_secret", &A2AArgs::token_secret);

  py::dict auths;
  for (int a = M2MAUTH_A2A_OAUTH2; a <= M2MAUTH_A2A_QUERY; ++a) auths[py::str(m2mauth_a2a_auth_name(a))] = a;
  m.attr("A2A_AUTH_METHODS") = auths;

  py::class_<PyA2A>(m, "A2AClient", "A native senhasegura A2A client (see m2mauth.senhasegura.A2AClient).")
      .def_static("from_args", [](const A2AArgs &a, const PyHttp &http, const PyKey *key,
                                  const py::dict &manager_options) {
        A2ACore core;
        core.http = http.need("transport");
        if (key != nullptr) core.key = key->need("key");
        m2mauth::A2AClient c(a.base_url, *core.http);
        c.set_auth_method(static_cast<m2mauth::A2AAuth>(a.auth));
        if (a.auth == M2MAUTH_A2A_OAUTH2) {
          c.set_oauth2_client(a.client_id.value_or(""), a.client_secret.value_or(""));
          c.set_client_auth(static_cast<m2mauth::ClientAuth>(a.client_auth));
          if (a.tenant) c.set_tenant(a.tenant);
          if (a.token_url) c.set_token_url(*a.token_url);
          if (!manager_options.empty()) {
            m2mauth::TokenManagerOptions o;
            if (manager_options.contains("expiry_skew_ms")) o.expiry_skew_ms = manager_options["expiry_skew_ms"].cast<std::int64_t>();
            if (manager_options.contains("wait_timeout_ms")) o.wait_timeout_ms = manager_options["wait_timeout_ms"].cast<std::int64_t>();
            c.set_manager_options(o);
          }
        } else {
          c.set_oauth1_credentials(a.consumer_key.value_or(""), a.consumer_secret, a.token.value_or(""), a.token_secret);
        }
        if (core.key) c.set_decryption_key(core.key.get());
        core.client.emplace(std::move(c));
        return PyA2A(std::move(core));
      }, py::arg("args"), py::arg("http"), py::arg("decryption_key").none(true), py::arg("manager_options"))
      .def_static("from_config", [](const PyConfig &config, const PyHttp *http) {
        A2ACore core;
        core.config = config.need("configuration");
        if (http != nullptr) core.http = http->need("transport");
        {
          ReleaseGil nogil;
          if (!core.http) core.http = std::make_shared<const m2mauth::Http>(core.config->http());
          core.client.emplace(core.config->a2a_client(core.http.get()));
        }
        return PyA2A(std::move(core));
      }, py::arg("config"), py::arg("http").none(true))
      // Every call is bounded by timeout_ms (0: none) and cancel (None: none), m2mauth_a2a_*_with.
      .def("credential", [](const PyA2A &self, const std::string &id, std::int64_t timeout_ms,
                            const m2mauth::Cancel *cancel) {
        const m2mauth::CallOptions o = call_options(timeout_ms, cancel);
        return secret_call(self, [&](m2mauth::A2AClient &c) { return c.credential(id, o); });
      }, py::arg("id"), py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none())
      .def("info", [](const PyA2A &self, const std::string &id, std::int64_t timeout_ms, const m2mauth::Cancel *cancel) {
        const m2mauth::CallOptions o = call_options(timeout_ms, cancel);
        return secret_call(self, [&](m2mauth::A2AClient &c) { return c.info(id, o); });
      }, py::arg("id"), py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none())
      .def("ssh_key", [](const PyA2A &self, const std::string &id, std::int64_t timeout_ms,
                         const m2mauth::Cancel *cancel) {
        const m2mauth::CallOptions o = call_options(timeout_ms, cancel);
        return secret_call(self, [&](m2mauth::A2AClient &c) { return c.ssh_key(id, o); });
      }, py::arg("id"), py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none())
      .def("dsm_application", [](const PyA2A &self, std::int64_t timeout_ms, const m2mauth::Cancel *cancel) {
        const m2mauth::CallOptions o = call_options(timeout_ms, cancel);
        return secret_call(self, [&](m2mauth::A2AClient &c) { return c.dsm_application(o); });
      }, py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none())
      .def("call", [](const PyA2A &self, const std::string &method, const std::string &path, const Opt &params_json,
                      bool decrypt, std::int64_t timeout_ms, const m2mauth::Cancel *cancel) {
        const m2mauth::CallOptions o = call_options(timeout_ms, cancel);
        return secret_call(self, [&](m2mauth::A2AClient &c) { return c.call(method, path, params_json, decrypt, o); });
      }, py::arg("method"), py::arg("path"), py::arg("params_json").none(true), py::arg("decrypt"),
         py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none())
      .def("close", &PyA2A::close)
      .def_property_readonly("closed", &PyA2A::closed);

  m.def("a2a_decrypt", [](const PyKey &key, const std::string &value) {
    auto k = key.need("key");
    std::optional<m2mauth::Secret> out;
    {
      ReleaseGil nogil;
      out.emplace(m2mauth::a2a::decrypt(*k, value));
    }
    return py::str(out->view().data(), out->size());
  });
  m.def("a2a_cert_fingerprints", [](const PyCert &cert) {
    return m2mauth::a2a::cert_fingerprints(*cert.need("certificate"));
  });
}

}  // namespace m2mauth_py
