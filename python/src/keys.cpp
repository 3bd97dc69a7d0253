// Keys and certificates: m2mauth::Key and m2mauth::Certificate as _m2mauth.Key and _m2mauth.Certificate.
// Parsing, generation and passphrase-protected export run without the GIL.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "binding.hpp"

namespace m2mauth_py {

namespace {

using m2mauth::Certificate;
using m2mauth::Key;
using Passphrase = std::optional<std::string>;
using OptText = std::optional<std::string>;

// Runs make() without the GIL and wraps the new key.
template <typename F>
PyKey key_without_gil(F &&make) {
  std::optional<Key> k;
  {
    ReleaseGil nogil;
    k.emplace(make());
  }
  return PyKey(std::move(*k));
}

template <typename F>
PyCert cert_without_gil(F &&make) {
  std::optional<Certificate> c;
  {
    ReleaseGil nogil;
    c.emplace(make());
  }
  return PyCert(std::move(*c));
}

py::bytes to_bytes(const std::string &s) { return py::bytes(s.data(), s.size()); }

// A Python callable sign(alg: str, data: bytes) -> bytes behind a signer key. The library calls it on
// whatever thread signs (the GIL released there), one call at a time; the reference is dropped with
// the GIL held, whichever thread frees the last key using it.
class PySignFunction {
 public:
  explicit PySignFunction(py::function fn) : fn_(fn.release().ptr()) {}
  PySignFunction(const PySignFunction &) = delete;
  PySignFunction &operator=(const PySignFunction &) = delete;
  ~PySignFunction() {
    PythonCallGuard guard;
    if (!guard.ok) return;  // the interpreter is gone: nothing left to release
    PyGILState_STATE st = PyGILState_Ensure();
    Py_DECREF(fn_);
    PyGILState_Release(st);
  }

  // The signature, or throws std::runtime_error with the exception's type and text.
  std::string operator()(const std::string &alg, std::string_view input) const {
    PythonCallGuard guard;
    if (!guard.ok) throw std::runtime_error("the Python interpreter is shutting down");
    PyGILState_STATE st = PyGILState_Ensure();
    std::string sig, error;
    PyObject *alg_arg = PyUnicode_FromStringAndSize(alg.data(), static_cast<Py_ssize_t>(alg.size()));
    PyObject *data_arg = PyBytes_FromStringAndSize(input.data(), static_cast<Py_ssize_t>(input.size()));
    PyObject *res = alg_arg != nullptr && data_arg != nullptr
                        ? PyObject_CallFunctionObjArgs(fn_, alg_arg, data_arg, nullptr)
                        : nullptr;
    Py_XDECREF(alg_arg);
    Py_XDECREF(data_arg);
    if (res == nullptr) {
      error = current_exception_text();
    } else if (PyBytes_Check(res) || PyByteArray_Check(res) || PyMemoryView_Check(res)) {
      Py_buffer view;
      if (PyObject_GetBuffer(res, &view, PyBUF_CONTIG_RO) == 0) {
        sig.assign(static_cast<const char *>(view.buf), static_cast<std::size_t>(view.len));
        PyBuffer_Release(&view);
      } else {
        error = current_exception_text();
      }
    } else {
      error = std::string("the sign function returned ") + Py_TYPE(res)->tp_name + ", not bytes";
    }
    Py_XDECREF(res);
    PyGILState_Release(st);
    if (!error.empty()) throw std::runtime_error(error);
    return sig;
  }

 private:
  // "Type: text" of the pending exception, which it clears (the GIL held).
  static std::string current_exception_text() {
    PyObject *type = nullptr, *value = nullptr, *tb = nullptr;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    std::string text = type != nullptr ? reinterpret_cast<PyTypeObject *>(type)->tp_name : "exception";
    if (value != nullptr) {
      PyObject *str = PyObject_Str(value);
      if (str != nullptr) {
        Py_ssize_t n = 0;
        const char *u = PyUnicode_AsUTF8AndSize(str, &n);
        if (u != nullptr && n > 0) text += ": " + std::string(u, static_cast<std::size_t>(n));
        Py_DECREF(str);
      }
      PyErr_Clear();
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return text;
  }

  PyObject *fn_;
};

void register_key(py::module_ &m) {
  py::class_<PyKey>(m, "Key", "A native key handle (see m2mauth.Key).")
      .def_static("generate_rsa", [](unsigned int bits) {
        return key_without_gil([&] { return Key::generate_rsa(bits); });
      })
      .def_static("generate_ec", [](const std::string &curve) {
        return key_without_gil([&] { return Key::generate_ec(curve); });
      })
      .def_static("generate_ed25519", [] { return key_without_gil([] { return Key::generate_ed25519(); }); })
      .def_static("generate_hmac", [](std::size_t len) {
        return key_without_gil([&] { return Key::generate_hmac(len); });
      })
      .def_static("from_secret", [](const std::string &secret) {
        return key_without_gil([&] { return Key::from_secret(secret); });
      })
      .def_static("from_pem", [](const std::string &pem, const Passphrase &pass) {
        return key_without_gil([&] { return Key::from_pem(pem, pass); });
      })
      .def_static("from_der", [](const std::string &der, const Passphrase &pass) {
        return key_without_gil([&] { return Key::from_der(der, pass); });
      })
      .def_static("from_file", [](const std::string &path, const Passphrase &pass) {
        return key_without_gil([&] { return Key::from_file(path, pass); });
      })
      .def_static("from_jwk", [](const std::string &jwk) {
        return key_without_gil([&] { return Key::from_jwk(jwk); });
      })
      .def_static("from_jwks", [](const std::string &jwks, const std::optional<std::string> &kid) {
        return key_without_gil([&] { return Key::from_jwks(jwks, kid); });
      })
      .def_static("from_signer", [](const PyKey &public_key, py::function sign, int alg) {
        auto pub = public_key.need("key");
        auto fn = std::make_shared<PySignFunction>(std::move(sign));
        return PyKey(Key::from_signer(*pub, [fn](const std::string &a, std::string_view in) { return (*fn)(a, in); },
                                      static_cast<m2mauth::Alg>(alg)));
      })
      .def_static("from_pkcs11", [](const std::string &uri, const Passphrase &pin) {
        return key_without_gil([&] { return Key::from_pkcs11(uri, pin); });
      })
      .def_property_readonly("is_signer", [](const PyKey &self) { return self.need("key")->is_signer(); })
      .def("public_key", [](const PyKey &self) { return PyKey(self.need("key")->public_key()); })
      .def("with_kid", [](const PyKey &self, const std::string &kid) {
        return PyKey(self.need("key")->with_kid(kid));
      })
      .def_property_readonly("kty", [](const PyKey &self) { return std::string(self.need("key")->kty()); })
      .def_property_readonly("bits", [](const PyKey &self) { return self.need("key")->bits(); })
      .def_property_readonly("curve", [](const PyKey &self) { return self.need("key")->curve(); })
      .def_property_readonly("kid", [](const PyKey &self) { return self.need("key")->kid(); })
      .def_property_readonly("has_private", [](const PyKey &self) { return self.need("key")->has_private(); })
      .def_property_readonly("default_alg", [](const PyKey &self) {
        return static_cast<int>(self.need("key")->default_alg());
      })
      .def("private_pem", [](const PyKey &self, const Passphrase &pass) {
        auto k = self.need("key");
        std::optional<m2mauth::Secret> pem;
        {
          ReleaseGil nogil;  // PBKDF2 when encrypting
          pem.emplace(k->private_pem(pass));
        }
        return py::str(pem->view().data(), pem->size());
      })
      .def("private_jwk", [](const PyKey &self) {
        m2mauth::Secret jwk = self.need("key")->private_jwk();
        return py::str(jwk.view().data(), jwk.size());
      })
      .def("public_pem", [](const PyKey &self) { return self.need("key")->public_pem(); })
      .def("public_der", [](const PyKey &self) { return to_bytes(self.need("key")->public_der()); })
      .def("public_jwk", [](const PyKey &self, const OptText &alg, const OptText &use) {
        return self.need("key")->public_jwk(alg, use);
      })
      .def("thumbprint", [](const PyKey &self) { return self.need("key")->thumbprint(); })
      .def("close", &PyKey::close)
      .def_property_readonly("closed", &PyKey::closed);

  m.def("jwks", [](const std::vector<const PyKey *> &keys) {
    std::vector<std::shared_ptr<const Key>> held;
    std::vector<const Key *> ptrs;
    for (const PyKey *k : keys) {
      if (k == nullptr) throw py::type_error("jwks() takes keys");
      held.push_back(k->need("key"));
      ptrs.push_back(held.back().get());
    }
    return m2mauth::jwks(ptrs);
  });
  // Raises what m2mauth_verifier_from_jwks raises for this set (its rules for a set of verification
  // keys: usable keys, no private members, ...); the allow-list does not matter here.
  m.def("check_key_set", [](const std::string &jwks) {
    ReleaseGil nogil;
    (void)m2mauth::Verifier::from_jwks(jwks, m2mauth::AlgSet::from_bits(M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS256)));
  });
}

void register_certificate(py::module_ &m) {
  py::class_<PyCert>(m, "Certificate", "A native certificate handle (see m2mauth.Certificate).")
      .def_static("from_pem", [](const std::string &pem) {
        return cert_without_gil([&] { return Certificate::from_pem(pem); });
      })
      .def_static("from_der", [](const std::string &der) {
        return cert_without_gil([&] { return Certificate::from_der(der); });
      })
      .def_static("from_file", [](const std::string &path) {
        return cert_without_gil([&] { return Certificate::from_file(path); });
      })
      .def_static("self_signed", [](const PyKey &key, const std::string &cn, unsigned int days) {
        auto k = key.need("key");
        return cert_without_gil([&] { return Certificate::self_signed(*k, cn, days); });
      })
      .def("fingerprint", [](const PyCert &self, int hash, int format) {
        return self.need("certificate")->fingerprint(static_cast<m2mauth::Hash>(hash),
                                                     static_cast<m2mauth::FingerprintFormat>(format));
      })
      .def("public_key", [](const PyCert &self) { return PyKey(self.need("certificate")->public_key()); })
      .def("der", [](const PyCert &self) { return to_bytes(self.need("certificate")->der()); })
      .def("pem", [](const PyCert &self) { return self.need("certificate")->pem(); })
      .def("subject", [](const PyCert &self) { return self.need("certificate")->subject(); })
      .def("not_after", [](const PyCert &self) { return self.need("certificate")->not_after(); })
      .def("close", &PyCert::close)
      .def_property_readonly("closed", &PyCert::closed);

  m.attr("HASH_SHA1") = static_cast<int>(m2mauth::Hash::sha1);
  m.attr("HASH_SHA256") = static_cast<int>(m2mauth::Hash::sha256);
  m.attr("FP_HEX_COLONS") = static_cast<int>(m2mauth::FingerprintFormat::hex_colons);
  m.attr("FP_HEX") = static_cast<int>(m2mauth::FingerprintFormat::hex);
  m.attr("FP_BASE64URL") = static_cast<int>(m2mauth::FingerprintFormat::base64url);
}

}  // namespace

// Key sources (rotation without a restart): m2mauth::KeySource as _m2mauth.KeySource. Loads run without the GIL.
void register_key_source(py::module_ &m) {
  py::class_<m2mauth::KeySource>(m, "KeySource", "A rotating private key (see m2mauth.KeySource).")
      .def(py::init([](const std::string &location, const Passphrase &secret, std::int64_t reload_interval_ms) {
             ReleaseGil nogil;
             return m2mauth::KeySource(location, secret, reload_interval_ms);
           }),
           py::arg("location"), py::arg("secret").none(true), py::arg("reload_interval_ms"))
      .def("reload", [](m2mauth::KeySource &s) {
        ReleaseGil nogil;
        s.reload();
      })
      .def("current", [](const m2mauth::KeySource &s) { return key_without_gil([&] { return s.current(); }); });
}

void register_keys(py::module_ &m) {
  register_key(m);
  register_certificate(m);
  register_key_source(m);
}

}  // namespace m2mauth_py
