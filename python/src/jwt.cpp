// JWT: signing from claims JSON, a configured Verifier, a one-shot decode, and unverified decoding.
// Signing and verification run without the GIL.
#include <pybind11/stl.h>

#include <time.h>

#include <cmath>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binding.hpp"

namespace m2mauth_py {

namespace {

using Opt = std::optional<std::string>;
using m2mauth::AlgSet;
using m2mauth::Verifier;

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

// The allow-list bit of an algorithm name ("HS256"), 0 if it names none.
std::uint32_t alg_bit_of(std::string_view name) {
  for (m2mauth::Alg a : m2mauth::all_algs)
    if (name == m2mauth::alg_name(a)) return m2mauth_alg_bit(static_cast<int>(a));
  return 0;
}

// The UTF-8 text of an exact str without NUL characters; false for anything else (which the caller's
// general path then converts or refuses with its own message).
bool plain_text(PyObject *o, std::string_view &out) {
  if (!PyUnicode_CheckExact(o)) return false;
  Py_ssize_t n = 0;
  const char *p = PyUnicode_AsUTF8AndSize(o, &n);
  if (p == nullptr) {
    PyErr_Clear();  // lone surrogates: not text the library takes
    return false;
  }
  if (std::memchr(p, '\0', static_cast<std::size_t>(n)) != nullptr) return false;
  out = std::string_view(p, static_cast<std::size_t>(n));
  return true;
}

constexpr std::uint32_t kHmacBits = M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS256) | M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS384) |
                                    M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS512);

}  // namespace

// The verifiers decode() made from one key: at most kMax, the oldest dropped first. A lookup compares
// the allow-list and the settings by value, so a verifier is only ever reused for equal arguments.
struct VerifierCache {
  static constexpr std::size_t kMax = 8;
  struct Entry {
    std::uint32_t allowed;
    VerifierConfig config;
    std::shared_ptr<const Verifier> verifier;
  };
  std::mutex mu;
  std::vector<Entry> entries;  // guarded by mu
  bool closed = false;         // guarded by mu: nothing is added once the key is closed
};

PyKey::PyKey(m2mauth::Key &&value) : Holder(std::move(value)), verifiers(std::make_shared<VerifierCache>()) {}

std::shared_ptr<const Verifier> PyKey::verifier_for(std::uint32_t allowed, const VerifierConfig &config) const {
  {
    std::lock_guard<std::mutex> lock(verifiers->mu);
    for (const auto &e : verifiers->entries)
      if (e.allowed == allowed && e.config == config) return e.verifier;
  }
  auto k = need("key");
  std::shared_ptr<const Verifier> made;
  {
    ReleaseGil nogil;
    auto v = std::make_shared<Verifier>(*k, AlgSet::from_bits(allowed));
    configure(*v, config);  // a refused setting throws: nothing is cached
    made = std::move(v);
  }
  std::lock_guard<std::mutex> lock(verifiers->mu);
  for (const auto &e : verifiers->entries)  // another thread made one meanwhile: use that one
    if (e.allowed == allowed && e.config == config) return e.verifier;
  if (!verifiers->closed) {
    if (verifiers->entries.size() >= VerifierCache::kMax) verifiers->entries.erase(verifiers->entries.begin());
    verifiers->entries.push_back({allowed, config, made});
  }
  return made;
}

void PyKey::close() noexcept {
  std::vector<VerifierCache::Entry> dropped;
  {
    std::lock_guard<std::mutex> lock(verifiers->mu);
    verifiers->closed = true;
    dropped.swap(verifiers->entries);
  }
  Holder::close();
}

namespace {

// The claims of a token the key's verifier for these arguments accepts (verified without the GIL).
m2mauth::Claims verify_with(const PyKey &key, const std::string &token, std::uint32_t allowed,
                            const VerifierConfig &config) {
  auto v = key.verifier_for(allowed, config);
  ReleaseGil nogil;
  return v->verify(token);
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

  // One call for decode(): the key's verifier for these arguments (made on first use, then reused)
  // verifies without the GIL.
  m.def("jwt_decode", [](const PyKey &key, const std::string &token, std::uint32_t allowed,
                         const VerifierConfig &config, bool complete) {
    return claims_result(verify_with(key, token, allowed, config), complete);
  });
  // decode()'s common case in one call: token, algorithms (a list of names), audience and issuer (str or
  // None) as Python passes them. Returns the claims JSON, or None when an argument is not of those plain
  // kinds (or names no algorithm, or is not the kind `need` asks: 1 an allow-list that is not HMAC only,
  // for a PEM text key; 2 one with an HMAC algorithm, for a secret): the package's general path then
  // converts it or raises its error. A verification failure raises as always.
  m.def("jwt_decode_fast", [](const PyKey &key, py::handle token, py::handle algorithms, py::handle audience,
                              py::handle issuer, int need) -> py::object {
    std::string_view text;
    if (!plain_text(token.ptr(), text) || !PyList_CheckExact(algorithms.ptr())) return py::none();
    std::string token_text(text);
    std::uint32_t bits = 0;
    for (Py_ssize_t i = 0, n = PyList_GET_SIZE(algorithms.ptr()); i < n; ++i) {
      std::uint32_t bit = 0;
      if (!plain_text(PyList_GET_ITEM(algorithms.ptr(), i), text) || (bit = alg_bit_of(text)) == 0)
        return py::none();
      bits |= bit;
    }
    if (bits == 0 || (need == 1 && (bits & ~kHmacBits) == 0) || (need == 2 && (bits & kHmacBits) == 0))
      return py::none();
    VerifierConfig config;
    if (!audience.is_none()) {
      if (!plain_text(audience.ptr(), text)) return py::none();
      config.audiences.emplace_back(text);
    }
    if (!issuer.is_none()) {
      if (!plain_text(issuer.ptr(), text)) return py::none();
      config.issuer.emplace(text);
    }
    return py::str(verify_with(key, token_text, bits, config).to_json());
  });
  m.def("jwt_cached_verifiers", [](const PyKey &key) {
    std::lock_guard<std::mutex> lock(key.verifiers->mu);
    return key.verifiers->entries.size();
  }, "How many verifiers decode() keeps for this key (for the tests).");

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
