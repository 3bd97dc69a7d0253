// JWT: signing from claims JSON, a configured Verifier, a one-shot decode, and unverified decoding.
// Signing and verification run without the GIL.
#include <pybind11/stl.h>

#include <time.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "binding.hpp"

namespace m2mauth_py {

namespace {

using Opt = std::optional<std::string>;
using m2mauth::AlgSet;
using m2mauth::Verifier;

// Verifier settings as they come from Python (validated there).
struct VerifierConfig {
  std::optional<std::string> issuer, subject, typ;
  std::vector<std::string> audiences, require;
  std::int64_t leeway = 0;
  std::size_t max_size = 0;  // 0: the library's default
};

void configure(Verifier &v, const VerifierConfig &c) {
  if (c.issuer) v.set_issuer(*c.issuer);
  if (c.subject) v.set_subject(*c.subject);
  if (c.typ) v.set_typ(*c.typ);
  for (const std::string &a : c.audiences) v.add_audience(a);
  for (const std::string &r : c.require) v.require_claim(r);
  if (c.leeway != 0) v.set_leeway(c.leeway);
  if (c.max_size != 0) v.set_max_size(c.max_size);
}

// A Python clock is read with the GIL held just before verify() releases it; the library's clock
// callback then returns that reading on the same thread. No Python code runs without the GIL.
thread_local std::int64_t clock_reading_ms = 0;
std::int64_t thread_clock(void *) { return clock_reading_ms; }

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

py::object claims_result(const m2mauth::Claims &claims, bool complete) {
  if (!complete) return py::str(claims.to_json());
  return py::make_tuple(py::str(claims.header_json()), py::str(claims.to_json()));
}

struct PyVerifier {
  std::shared_ptr<const Verifier> verifier;
  py::object clock;  // None or a callable returning Unix seconds

  std::shared_ptr<const Verifier> need() const {
    if (!verifier) throw py::value_error("verifier is closed");
    return verifier;
  }

  py::object verify(const std::string &token, bool complete) const {
    auto v = need();
    if (!clock.is_none()) {
      double now = clock().cast<double>();
      if (!std::isfinite(now)) throw py::value_error("clock() returned a value that is not a finite number");
      clock_reading_ms = static_cast<std::int64_t>(std::llround(now * 1000.0));
    }
    std::optional<m2mauth::Claims> claims;
    {
      ReleaseGil nogil;
      claims.emplace(v->verify(token));
    }
    return claims_result(*claims, complete);
  }
};

PyVerifier make_verifier(Verifier &&v, const VerifierConfig &config, py::object clock) {
  configure(v, config);
  if (!clock.is_none()) v.set_clock(&thread_clock, nullptr);
  return PyVerifier{counted<Verifier, Kind::verifier>(std::move(v)), std::move(clock)};
}

void register_verifier(py::module_ &m) {
  py::class_<VerifierConfig>(m, "VerifierConfig")
      .def(py::init<>())
      .def_readwrite("issuer", &VerifierConfig::issuer)
      .def_readwrite("subject", &VerifierConfig::subject)
      .def_readwrite("typ", &VerifierConfig::typ)
      .def_readwrite("audiences", &VerifierConfig::audiences)
      .def_readwrite("require", &VerifierConfig::require)
      .def_readwrite("leeway", &VerifierConfig::leeway)
      .def_readwrite("max_size", &VerifierConfig::max_size);

  py::class_<PyVerifier>(m, "Verifier", "A native JWT verifier (see m2mauth.jwt.Verifier).")
      .def_static("for_key", [](const PyKey &key, std::uint32_t allowed, const VerifierConfig &config,
                                py::object clock) {
        return make_verifier(Verifier(*key.need("key"), AlgSet::from_bits(allowed)), config, std::move(clock));
      })
      .def_static("for_jwks", [](const std::string &jwks, std::uint32_t allowed, const VerifierConfig &config,
                                 py::object clock) {
        return make_verifier(Verifier::from_jwks(jwks, AlgSet::from_bits(allowed)), config, std::move(clock));
      })
      .def("verify", &PyVerifier::verify, py::arg("token"), py::arg("complete") = false)
      .def("close", [](PyVerifier &self) { self.verifier.reset(); })
      .def_property_readonly("closed", [](const PyVerifier &self) { return !self.verifier; });
}

}  // namespace

void register_jwt(py::module_ &m) {
  register_verifier(m);

  m.def("jwt_sign_json", [](const PyKey &key, const std::string &claims_json, int alg, Opt typ, Opt kid, Opt cty,
                            Opt extra_json, const PyCert *cert, unsigned int cert_members) {
    auto k = key.need("key");
    HeaderArgs args = header_args(alg, std::move(typ), std::move(kid), std::move(cty), std::move(extra_json), cert,
                                  cert_members);
    ReleaseGil nogil;
    return m2mauth::jwt::sign_json(*k, claims_json, args.header());
  }, py::arg("key"), py::arg("claims_json"), py::arg("alg"), py::arg("typ"), py::arg("kid"), py::arg("cty"),
     py::arg("extra_json"), py::arg("cert").none(true), py::arg("cert_members"));

  // The common case of jwt_sign_json (no header options), with fewer arguments to convert.
  m.def("jwt_sign", [](const PyKey &key, const std::string &claims_json, int alg) {
    auto k = key.need("key");
    ReleaseGil nogil;
    m2mauth::JwsHeader h;
    if (alg != 0) h.alg = static_cast<m2mauth::Alg>(alg);
    return m2mauth::jwt::sign_json(*k, claims_json, h);
  });

  // One call for the common case: a verifier made, used once and dropped, all without the GIL.
  m.def("jwt_decode", [](const PyKey &key, const std::string &token, std::uint32_t allowed,
                         const VerifierConfig &config, bool complete) {
    auto k = key.need("key");
    std::optional<m2mauth::Claims> claims;
    {
      ReleaseGil nogil;
      Verifier v(*k, AlgSet::from_bits(allowed));
      configure(v, config);
      claims.emplace(v.verify(token));
    }
    return claims_result(*claims, complete);
  });

  // For python/bench/bench_python.py: the same work as jwt_sign / jwt_decode, n times in a C++ loop (no
  // Python in between), so the benchmark can subtract the cost of the C calls from a Python call. Both
  // return the calling thread's CPU seconds (steady under machine load, like time.thread_time()).
  m.def("bench_c_sign", [](const PyKey &key, const std::string &claims_json, int alg, long n) {
    auto k = key.need("key");
    ReleaseGil nogil;
    m2mauth::JwsHeader h;
    h.alg = static_cast<m2mauth::Alg>(alg);
    double start = thread_cpu_seconds();
    for (long i = 0; i < n; ++i) (void)m2mauth::jwt::sign_json(*k, claims_json, h);
    return thread_cpu_seconds() - start;
  });
  m.def("bench_c_decode", [](const PyKey &key, const std::string &token, std::uint32_t allowed, long n, bool reuse) {
    auto k = key.need("key");
    ReleaseGil nogil;
    Verifier shared(*k, AlgSet::from_bits(allowed));
    double start = thread_cpu_seconds();
    for (long i = 0; i < n; ++i) {
      if (reuse) {
        (void)shared.verify(token).to_json();
      } else {
        Verifier v(*k, AlgSet::from_bits(allowed));
        (void)v.verify(token).to_json();
      }
    }
    return thread_cpu_seconds() - start;
  });

  m.def("jwt_decode_unverified", [](const std::string &token) {
    return m2mauth::jwt::decode_unverified(token).to_json();
  });
}

}  // namespace m2mauth_py
