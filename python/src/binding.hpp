// Shared declarations of the native module m2mauth._m2mauth (pybind11 over m2mauth.hpp).
//
// The native module is private: the pure-Python package m2mauth owns the public names, documentation,
// argument conversion and the exception classes. This layer only moves values across, releases the
// GIL around work that takes time (key generation and parsing, signing, verification), and turns
// m2mauth::Error into the package's exception through one translator (errors.cpp).
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "m2mauth/m2mauth.hpp"

namespace m2mauth_py {

namespace py = pybind11;

void register_errors(py::module_ &m);
// Sets the Python exception for a library error (the package's class, through its factory).
void raise_error(const m2mauth::Error &e);
void register_keys(py::module_ &m);
void register_jws(py::module_ &m);
void register_jwt(py::module_ &m);
void register_claims_json(py::module_ &m);
void register_http(py::module_ &m);
void register_oauth2(py::module_ &m);
void register_dpop(py::module_ &m);
void register_oauth1(py::module_ &m);
void register_a2a(py::module_ &m);
void register_config(py::module_ &m);
void register_exchange(py::module_ &m);
void register_telemetry(py::module_ &m);  // the process's tracer and the metrics JSON (telemetry.cpp)  // RFC 8693 token exchange (exchange.cpp)

// Live native handles owned by the module, per kind: the leak tests read them through live_handles().
enum class Kind { key, certificate, verifier, http, token_manager, oauth1, a2a, config, count_ };
std::atomic<long> &live(Kind kind) noexcept;

// Shared ownership of a wrapper object, counted while alive. An operation copies the shared_ptr while
// it holds the GIL, so close() from another thread never frees a handle that is still in use.
template <typename T, Kind K>
std::shared_ptr<const T> counted(T &&value) {
  auto p = std::shared_ptr<const T>(new T(std::move(value)), [](const T *q) {
    delete q;
    live(K).fetch_sub(1, std::memory_order_relaxed);
  });
  live(K).fetch_add(1, std::memory_order_relaxed);
  return p;
}

// A Python-visible object holding one handle; close() drops it early.
template <typename T, Kind K>
struct Holder {
  std::shared_ptr<const T> ptr;

  explicit Holder(T &&value) : ptr(counted<T, K>(std::move(value))) {}
  std::shared_ptr<const T> need(const char *what) const {
    if (!ptr) throw py::value_error(std::string(what) + " is closed");
    return ptr;
  }
  void close() noexcept { ptr.reset(); }
  bool closed() const noexcept { return !ptr; }
};

// Verifier settings as they come from Python (validated there); equal settings verify alike.
struct VerifierConfig {
  std::optional<std::string> issuer, subject, typ;
  std::vector<std::string> audiences, require;
  std::int64_t leeway = 0;
  std::size_t max_size = 0;  // 0: the library's default

  bool operator==(const VerifierConfig &o) const {
    return leeway == o.leeway && max_size == o.max_size && issuer == o.issuer && subject == o.subject &&
           typ == o.typ && audiences == o.audiences && require == o.require;
  }
};

struct VerifierCache;  // jwt.cpp

// A key handle, with the verifiers m2mauth.jwt.decode made from it (a few, by allow-list and settings), so
// that decoding with the same key and arguments again reuses one. They hold the key's material and live
// no longer than this object: close() drops them with the key.
struct PyKey : Holder<m2mauth::Key, Kind::key> {
  std::shared_ptr<VerifierCache> verifiers;  // shared only by moves of this object

  explicit PyKey(m2mauth::Key &&value);
  // A verifier of this key for these settings, made once (without the GIL) and then reused. Thread-safe.
  std::shared_ptr<const m2mauth::Verifier> verifier_for(std::uint32_t allowed, const VerifierConfig &config) const;
  void close() noexcept;
};
using PyCert = Holder<m2mauth::Certificate, Kind::certificate>;
using PyHttp = Holder<m2mauth::Http, Kind::http>;
using PyConfig = Holder<m2mauth::Config, Kind::config>;

// HTTP values as they cross into Python: (name, value) header pairs, a request built from Python
// arguments, and a response as (status, headers, body bytes) for m2mauth.http.Response.
using HeaderList = std::vector<std::pair<std::string, std::string>>;
m2mauth::Request make_request(const std::string &method, const std::string &url, const HeaderList &headers,
                              const std::optional<py::bytes> &body);
py::tuple response_tuple(const m2mauth::Response &resp);
py::tuple response_tuple_nogil(m2mauth::Response &&resp);

// A call's bounds from Python (m2mauth.http.call_timeout_ms, 0 = none) and its optional Cancel.
inline m2mauth::CallOptions call_options(std::int64_t timeout_ms, const m2mauth::Cancel *cancel) {
  m2mauth::CallOptions options;
  options.timeout_ms = timeout_ms;
  if (cancel != nullptr) options.cancel = *cancel;
  return options;
}

// Transport options as a dict of the keyword arguments of m2mauth.Http (already validated there).
m2mauth::HttpOptions http_options(const py::dict &options);

// The interpreter is shutting down (set by an atexit hook): native threads must not call into Python.
bool python_finalizing() noexcept;
// Releases the GIL for the scope, like py::gil_scoped_release, except at interpreter exit: a thread
// other than the exiting one that comes back after the atexit hook ran never takes the GIL again
// (it waits until the process ends). CPython would otherwise end it with pthread_exit, whose unwinding
// through C++ frames aborts the process ("terminate called without an active exception").
class ReleaseGil {
 public:
  ReleaseGil() noexcept;
  ~ReleaseGil();
  ReleaseGil(const ReleaseGil &) = delete;
  ReleaseGil &operator=(const ReleaseGil &) = delete;

 private:
  PyThreadState *state_;
};

// Counts native threads inside a Python callback, so the atexit hook can wait for them.
struct PythonCallGuard {
  bool ok;
  PythonCallGuard() noexcept;
  ~PythonCallGuard();
};

// Header options as they come from Python (already validated there).
struct HeaderArgs {
  int alg = 0;
  std::optional<std::string> typ, kid, cty, extra_json;
  std::shared_ptr<const m2mauth::Certificate> cert;
  unsigned int cert_members = 0;

  m2mauth::JwsHeader header() const;
};

HeaderArgs header_args(int alg, std::optional<std::string> typ, std::optional<std::string> kid,
                       std::optional<std::string> cty, std::optional<std::string> extra_json, const PyCert *cert,
                       unsigned int cert_members);

}  // namespace m2mauth_py
