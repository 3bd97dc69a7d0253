// Algorithms and compact JWS: sign, sign_protected, verify, decode_unverified.
// Signing and verification run without the GIL.
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "binding.hpp"

namespace m2mauth_py {

m2mauth::JwsHeader HeaderArgs::header() const {
  m2mauth::JwsHeader h;
  if (alg != 0) h.alg = static_cast<m2mauth::Alg>(alg);
  h.typ = typ;
  h.kid = kid;
  h.cty = cty;
  h.extra_json = extra_json;
  h.cert = cert.get();
  h.cert_members = cert_members;
  return h;
}

HeaderArgs header_args(int alg, std::optional<std::string> typ, std::optional<std::string> kid,
                       std::optional<std::string> cty, std::optional<std::string> extra_json, const PyCert *cert,
                       unsigned int cert_members) {
  HeaderArgs a;
  a.alg = alg;
  a.typ = std::move(typ);
  a.kid = std::move(kid);
  a.cty = std::move(cty);
  a.extra_json = std::move(extra_json);
  if (cert != nullptr) a.cert = cert->need("certificate");
  a.cert_members = cert_members;
  return a;
}

namespace {

using Opt = std::optional<std::string>;

void register_algorithms(py::module_ &m) {
  py::dict algs;
  for (m2mauth::Alg a : m2mauth::all_algs) algs[py::str(m2mauth::alg_name(a))] = static_cast<int>(a);
  m.attr("ALGORITHMS") = algs;
  m.def("alg_from_name", [](const std::string &name) { return static_cast<int>(m2mauth::alg_from_name(name)); });
  m.def("alg_name", [](int alg) { return std::string(m2mauth::alg_name(static_cast<m2mauth::Alg>(alg))); });
  m.def("alg_bit", [](int alg) { return m2mauth_alg_bit(alg); });
  m.def("alg_set_parse", [](const std::string &names) { return m2mauth::AlgSet::parse(names).bits(); });
  m.attr("HEADER_X5T") = M2MAUTH_HEADER_X5T;
  m.attr("HEADER_X5T_S256") = M2MAUTH_HEADER_X5T_S256;
  m.attr("HEADER_X5C") = M2MAUTH_HEADER_X5C;
}

}  // namespace

void register_jws(py::module_ &m) {
  register_algorithms(m);

  m.def("jws_sign", [](const PyKey &key, const std::string &payload, int alg, Opt typ, Opt kid, Opt cty, Opt extra_json,
                       const PyCert *cert, unsigned int cert_members) {
    auto k = key.need("key");
    HeaderArgs args = header_args(alg, std::move(typ), std::move(kid), std::move(cty), std::move(extra_json), cert,
                                  cert_members);
    ReleaseGil nogil;
    return m2mauth::jws::sign(*k, payload, args.header());
  }, py::arg("key"), py::arg("payload"), py::arg("alg"), py::arg("typ"), py::arg("kid"), py::arg("cty"),
     py::arg("extra_json"), py::arg("cert").none(true), py::arg("cert_members"));

  m.def("jws_sign_protected", [](const PyKey &key, const std::string &protected_header, const std::string &payload) {
    auto k = key.need("key");
    ReleaseGil nogil;
    return m2mauth::jws::sign_protected(*k, protected_header, payload);
  });

  m.def("jws_verify", [](const PyKey &key, const std::string &token, std::uint32_t allowed) {
    auto k = key.need("key");
    std::string payload;
    {
      ReleaseGil nogil;
      payload = m2mauth::jws::verify(*k, token, m2mauth::AlgSet::from_bits(allowed));
    }
    return py::bytes(payload.data(), payload.size());
  });

  m.def("jws_decode_unverified", [](const std::string &token) {
    m2mauth::UnverifiedJws parts = m2mauth::jws::decode_unverified(token);
    return py::make_tuple(py::str(parts.header), py::bytes(parts.payload.data(), parts.payload.size()));
  });
}

}  // namespace m2mauth_py
