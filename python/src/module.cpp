// The native module m2mauth._m2mauth: version check, then one register_<area>() per area.
#include <string>

#include "binding.hpp"

namespace m2mauth_py {

void register_testing(py::module_ &m);  // the token-endpoint test double (testing.cpp)

std::atomic<long> &live(Kind kind) noexcept {
  static std::atomic<long> counts[static_cast<int>(Kind::count_)];
  return counts[static_cast<int>(kind)];
}

}  // namespace m2mauth_py

PYBIND11_MODULE(_m2mauth, m) {
  namespace py = pybind11;
  using namespace m2mauth_py;

  // The loaded libm2mauth.so must be one the module's headers may use (m2mauth_version_compatible).
  if (!m2mauth::version_compatible()) {
    throw py::import_error("m2mauth._m2mauth was built for libm2mauth " M2MAUTH_VERSION_STRING
                           " but loaded libm2mauth " + m2mauth::library_version_string() +
                           ", which it cannot use: reinstall the package so both come from the same build");
  }

  m.doc() = "Private native layer of the m2mauth package; use the m2mauth package instead.";
  m.attr("COMPILED_VERSION_NUMBER") = m2mauth::compiled_version_number;
  m.attr("COMPILED_VERSION_STRING") = M2MAUTH_VERSION_STRING;
  m.def("library_version_number", &m2mauth::library_version_number);
  m.def("version_compatible", [](int compiled) { return m2mauth_version_compatible(compiled) != 0; },
        py::arg("compiled"), "m2mauth_version_compatible: may code built for `compiled` use this library?");
  m.def("library_version_string", &m2mauth::library_version_string);
  m.def("library_version_details", &m2mauth::library_version_details);
  m.def("live_handles", [] {
    py::dict d;
    d["Key"] = live(Kind::key).load();
    d["Certificate"] = live(Kind::certificate).load();
    d["Verifier"] = live(Kind::verifier).load();
    d["Http"] = live(Kind::http).load();
    d["TokenManager"] = live(Kind::token_manager).load();
    d["OAuth1"] = live(Kind::oauth1).load();
    d["A2AClient"] = live(Kind::a2a).load();
    d["Config"] = live(Kind::config).load();
    return d;
  }, "Native handles currently owned by the module, per kind (for leak tests).");

  register_errors(m);
  register_keys(m);
  register_jws(m);
  register_jwt(m);
  register_claims_json(m);
  register_http(m);
  register_dpop(m);
  register_oauth2(m);
  register_oauth1(m);
  register_a2a(m);
  register_config(m);
  register_exchange(m);
  register_testing(m);
  register_telemetry(m);
}
