// OAuth 1.0: m2mauth::OAuth1Signer as _m2mauth.OAuth1, the native part of m2mauth.OAuth1. The signer is
// configured once here (oauth_body_hash included: the library computes it for bodies that are not form
// data) and frozen by its first signature, so signing runs without the GIL and without a lock.
#include <pybind11/stl.h>

#include <time.h>

#include "binding.hpp"

namespace m2mauth_py {

namespace {

using Opt = std::optional<std::string>;

struct OAuth1Core {
  m2mauth::OAuth1Signer signer;
  std::shared_ptr<const m2mauth::Key> rsa_key;

  explicit OAuth1Core(m2mauth::OAuth1Signer &&s) : signer(std::move(s)) {}
};

using PyOAuth1 = Holder<OAuth1Core, Kind::oauth1>;

py::tuple request_tuple(const m2mauth::Request &req) {
  py::list headers;
  for (const auto &[name, value] : req.headers()) headers.append(py::make_tuple(name, value));
  std::string_view body = req.body();
  return py::make_tuple(req.url(), headers, py::bytes(body.data(), body.size()));
}

}  // namespace

void register_oauth1(py::module_ &m) {
  py::dict methods;
  for (int i = M2MAUTH_OAUTH1_HMAC_SHA1; i <= M2MAUTH_OAUTH1_PLAINTEXT; ++i)
    methods[py::str(m2mauth_oauth1_method_name(i))] = i;
  m.attr("OAUTH1_METHODS") = methods;
  m.attr("OAUTH1_IN_HEADER") = static_cast<int>(M2MAUTH_OAUTH1_IN_HEADER);
  m.attr("OAUTH1_IN_QUERY") = static_cast<int>(M2MAUTH_OAUTH1_IN_QUERY);
  m.attr("OAUTH1_IN_BODY") = static_cast<int>(M2MAUTH_OAUTH1_IN_BODY);

  py::class_<PyOAuth1>(m, "OAuth1", "A native OAuth 1.0 signer (see m2mauth.OAuth1).")
      .def(py::init([](const std::string &consumer_key, const Opt &consumer_secret, const Opt &token,
                       const Opt &token_secret, int method, int placement, const Opt &realm, bool include_version,
                       const Opt &callback, const Opt &verifier, const PyKey *rsa_key, const Opt &nonce,
                       std::int64_t timestamp, bool body_hash) {
             std::shared_ptr<const m2mauth::Key> key;
             if (rsa_key != nullptr) key = rsa_key->need("key");
             m2mauth::OAuth1Signer s(consumer_key);
             s.set_consumer_secret(consumer_secret);
             if (token || token_secret) s.set_token(token, token_secret);
             s.set_method(static_cast<m2mauth::OAuth1Method>(method));
             s.set_placement(static_cast<m2mauth::OAuth1Placement>(placement));
             if (realm) s.set_realm(realm);
             s.set_include_version(include_version);
             if (callback) s.set_callback(callback);
             if (verifier) s.set_verifier(verifier);
             if (key) s.set_rsa_key(key.get());
             if (nonce) s.set_fixed_nonce(nonce);
             if (timestamp >= 0) s.set_fixed_timestamp(timestamp);
             s.set_body_hash(body_hash);
             OAuth1Core core(std::move(s));
             core.rsa_key = std::move(key);
             return PyOAuth1(std::move(core));
           }),
           py::arg("consumer_key"), py::arg("consumer_secret").none(true), py::arg("token").none(true),
           py::arg("token_secret").none(true), py::arg("method"), py::arg("placement"), py::arg("realm").none(true),
           py::arg("include_version"), py::arg("callback").none(true), py::arg("verifier").none(true),
           py::arg("rsa_key").none(true), py::arg("nonce").none(true), py::arg("timestamp"), py::arg("body_hash"))
      .def("sign", [](const PyOAuth1 &self, const std::string &method, const std::string &url, const HeaderList &headers,
                      const std::optional<py::bytes> &body) {
        auto core = self.need("signer");
        m2mauth::Request req = make_request(method, url, headers, body);
        {
          ReleaseGil nogil;
          core->signer.sign(req);
        }
        return request_tuple(req);
      }, py::arg("method"), py::arg("url"), py::arg("headers"), py::arg("body").none(true))
      .def("sign_simple", [](const PyOAuth1 &self, const std::string &method, const std::string &url) {
        // The common case (no body, no headers) with fewer conversions: (url, Authorization or None).
        auto core = self.need("signer");
        std::optional<m2mauth::Request> req;
        std::optional<std::string> auth;
        {
          ReleaseGil nogil;
          req.emplace(method, url);
          core->signer.sign(*req);
          auth = req->header("Authorization");
        }
        return py::make_tuple(req->url(), auth ? py::object(py::str(*auth)) : py::object(py::none()));
      })
      .def("base_string", [](const PyOAuth1 &self, const std::string &method, const std::string &url,
                             const HeaderList &headers, const std::optional<py::bytes> &body, const std::string &nonce,
                             std::int64_t timestamp) {
        auto core = self.need("signer");
        m2mauth::Request req = make_request(method, url, headers, body);
        ReleaseGil nogil;
        return core->signer.base_string(req, nonce, timestamp);
      })
      .def("signature", [](const PyOAuth1 &self, const std::string &method, const std::string &url,
                           const HeaderList &headers, const std::optional<py::bytes> &body, const std::string &nonce,
                           std::int64_t timestamp) {
        auto core = self.need("signer");
        m2mauth::Request req = make_request(method, url, headers, body);
        std::optional<m2mauth::Secret> sig;
        {
          ReleaseGil nogil;
          sig.emplace(core->signer.signature(req, nonce, timestamp));
        }
        return py::str(sig->view().data(), sig->size());
      })
      .def("bench_c_sign", [](const PyOAuth1 &self, const std::string &method, const std::string &url, long n) {
        // For python/bench: n signatures of one request in a C++ loop, without Python in between.
        auto core = self.need("signer");
        ReleaseGil nogil;
        timespec a{}, b{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        for (long i = 0; i < n; ++i) {
          m2mauth::Request req(method, url);
          core->signer.sign(req);
        }
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        return static_cast<double>(b.tv_sec - a.tv_sec) + static_cast<double>(b.tv_nsec - a.tv_nsec) * 1e-9;
      })
      .def("close", &PyOAuth1::close)
      .def_property_readonly("closed", &PyOAuth1::closed);
}

}  // namespace m2mauth_py
