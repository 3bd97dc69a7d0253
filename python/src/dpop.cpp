// DPoP proof keys (RFC 9449): m2mauth::Dpop as _m2mauth.Dpop. Key generation and signing run without the GIL.
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "binding.hpp"

namespace m2mauth_py {

void register_dpop(py::module_ &m) {
  py::class_<m2mauth::Dpop>(m, "Dpop", "A DPoP proof key with its thumbprint and remembered server nonces.")
      .def(py::init([] {
        ReleaseGil nogil;
        return m2mauth::Dpop();
      }))
      .def(py::init([](const PyKey &key, int alg) {
             auto k = key.need("key");
             ReleaseGil nogil;
             return alg == 0 ? m2mauth::Dpop(*k) : m2mauth::Dpop(*k, static_cast<m2mauth::Alg>(alg));
           }),
           py::arg("key"), py::arg("alg") = 0)
      .def_property_readonly("thumbprint", &m2mauth::Dpop::thumbprint)
      .def_property_readonly("public_jwk", &m2mauth::Dpop::public_jwk)
      .def("proof",
           [](const m2mauth::Dpop &d, const std::string &method, const std::string &url,
              const std::optional<std::string> &access_token, const std::optional<std::string> &nonce) {
             ReleaseGil nogil;
             return d.proof(method, url, access_token, nonce);
           },
           py::arg("method"), py::arg("url"), py::arg("access_token") = std::nullopt, py::arg("nonce") = std::nullopt)
      .def("observe",
           [](const m2mauth::Dpop &d, const std::string &url, int status, const HeaderList &headers,
              const std::optional<py::bytes> &body) {
             m2mauth::Response resp(status);
             for (const auto &h : headers) resp.add_header(h.first, h.second);
             if (body) resp.set_body(std::string(*body));
             ReleaseGil nogil;
             return d.observe(url, resp);
           },
           py::arg("url"), py::arg("status"), py::arg("headers"), py::arg("body").none(true) = std::nullopt);
}

}  // namespace m2mauth_py
