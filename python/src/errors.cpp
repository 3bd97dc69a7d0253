// Errors: the one exception translator. A failed library call throws m2mauth::Error (m2mauth.hpp);
// the translator asks the Python package's factory (m2mauth.errors._from_native, registered with
// set_error_factory at import) for the exception of that code and raises it.
#include <string>

#include "binding.hpp"

namespace m2mauth_py {

namespace {

// Kept for the life of the process (a static py::object would be destroyed after the interpreter).
PyObject *error_factory = nullptr;
PyObject *fallback_error = nullptr;

}  // namespace

void raise_error(const m2mauth::Error &e) {
  if (error_factory != nullptr) {
    try {
      py::object exc = py::reinterpret_borrow<py::object>(error_factory)(
          e.code(), e.name(), m2mauth::error_category_name(e.category()), e.message(), e.transient(),
          e.http_status(), e.oauth_error(),
          e.oauth_error_description(), e.oauth_error_uri(), e.vendor_code(), e.retry_after_ms());
      PyErr_SetObject(reinterpret_cast<PyObject *>(Py_TYPE(exc.ptr())), exc.ptr());
      return;
    } catch (py::error_already_set &failure) {
      failure.restore();  // the factory itself failed: report that
      return;
    }
  }
  PyErr_SetString(fallback_error, (std::string(e.name()) + ": " + e.message()).c_str());
}

void register_errors(py::module_ &m) {
  // Raised only if the package did not register its factory (the native module used on its own).
  if (fallback_error == nullptr) {
    fallback_error = PyErr_NewException("m2mauth._m2mauth.NativeError", PyExc_RuntimeError, nullptr);
    if (fallback_error == nullptr) throw py::error_already_set();
  }
  m.attr("NativeError") = py::handle(fallback_error);

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const m2mauth::Error &e) {
      raise_error(e);
    }
  });

  m.def("set_error_factory", [](py::object factory) {
    PyObject *old = error_factory;
    error_factory = factory.is_none() ? nullptr : factory.inc_ref().ptr();
    Py_XDECREF(old);
  }, py::arg("factory"), "Registers the callable that builds exceptions from error records.");

  m.def("error_name", &m2mauth::error_name, py::arg("code"));
  m.def("error_category", [](int code) { return static_cast<int>(m2mauth::error_category(code)); }, py::arg("code"),
        "m2mauth_error_category: the category value of a code.");
  m.def("error_category_name", [](int category) {
    return m2mauth_error_category_name(category);
  }, py::arg("category"), "m2mauth_error_category_name: the static name of a category value.");
  m.def("error_codes", [] {
    // Every code the loaded library names: the table the package's classes must cover.
    py::dict d;
    for (int code = -1; code >= -127; --code) {
      std::string name = m2mauth_error_name(code);
      if (name != "unknown") d[py::str(name)] = code;
    }
    return d;
  }, "{name: code} for every status code the loaded library knows.");
  m.def("raise_error", [](int code, const std::string &message) { throw m2mauth::Error(code, message); },
        py::arg("code"), py::arg("message"), "Raises the exception for code (tests the translator).");
}

}  // namespace m2mauth_py
