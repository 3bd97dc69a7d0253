// The process's tracer (telemetry.h) for m2mauth.otel: two Python callables, called with each span
// record's JSON on the thread that sends, and the metrics JSON. The record's names and attributes are the
// library's; Python only hands them to OpenTelemetry.
#include <cstring>

#include "binding.hpp"
#include "m2mauth/telemetry.h"
#include "oauth2_manager.hpp"

namespace m2mauth_py {

namespace {

// The callables, owned references; released with the GIL by the library's free_payload.
struct PyTracer {
  PyObject *start;
  PyObject *end;
  PyObject *capture;  // may be null
};

void release_tracer(void *payload) noexcept {
  auto *t = static_cast<PyTracer *>(payload);
  PythonCallGuard guard;
  if (!guard.ok) return;  // the interpreter is going away: leave the references
  PyGILState_STATE st = PyGILState_Ensure();
  Py_XDECREF(t->start);
  Py_XDECREF(t->end);
  Py_XDECREF(t->capture);
  PyGILState_Release(st);
  delete t;
}

// capture() answers the caller's context (an object kept, a new reference, until release) or None.
void *on_capture(void *payload) noexcept {
  auto *t = static_cast<PyTracer *>(payload);
  PythonCallGuard guard;
  if (!guard.ok) return nullptr;
  PyGILState_STATE st = PyGILState_Ensure();
  PyObject *res = PyObject_CallObject(t->capture, nullptr);
  if (res == nullptr) PyErr_WriteUnraisable(t->capture);
  if (res == Py_None) Py_CLEAR(res);
  PyGILState_Release(st);
  return res;
}

void on_release_context(void *context, void *) noexcept {
  PythonCallGuard guard;
  if (!guard.ok) return;  // the interpreter is going away: leave the reference
  PyGILState_STATE st = PyGILState_Ensure();
  Py_DECREF(static_cast<PyObject *>(context));
  PyGILState_Release(st);
}

// start(json, parent) answers (span, traceparent or None); the span object is kept (a new reference)
// until end. parent: what capture returned for the caller a manager's thread sends for, else None.
void *on_span_start(const m2mauth_span_start *span, char *traceparent, void *payload) noexcept {
  auto *t = static_cast<PyTracer *>(payload);
  PythonCallGuard guard;
  if (!guard.ok) return nullptr;
  LibraryCallbackScope scope;
  PyGILState_STATE st = PyGILState_Ensure();
  void *handle = nullptr;
  PyObject *parent = span->parent != nullptr ? static_cast<PyObject *>(span->parent) : Py_None;
  PyObject *res = PyObject_CallFunction(t->start, "sO", span->json, parent);
  if (res == nullptr) {
    PyErr_WriteUnraisable(t->start);
  } else {
    if (PyTuple_Check(res) && PyTuple_GET_SIZE(res) == 2) {
      PyObject *obj = PyTuple_GET_ITEM(res, 0);
      Py_INCREF(obj);
      handle = obj;
      PyObject *tp = PyTuple_GET_ITEM(res, 1);
      Py_ssize_t n = 0;
      const char *text = PyUnicode_Check(tp) ? PyUnicode_AsUTF8AndSize(tp, &n) : nullptr;
      if (text == nullptr) PyErr_Clear();
      // The library sends it only when it is a valid traceparent; a longer text is not one.
      if (text != nullptr && n < M2MAUTH_TRACEPARENT_SIZE) std::memcpy(traceparent, text, static_cast<size_t>(n) + 1);
    }
    Py_DECREF(res);
  }
  PyGILState_Release(st);
  return handle;
}

void on_span_end(void *handle, const m2mauth_span_end *end, void *payload) noexcept {
  auto *t = static_cast<PyTracer *>(payload);
  auto *obj = static_cast<PyObject *>(handle);
  PythonCallGuard guard;
  if (!guard.ok) return;
  LibraryCallbackScope scope;
  PyGILState_STATE st = PyGILState_Ensure();
  PyObject *res = PyObject_CallFunction(t->end, "Os", obj != nullptr ? obj : Py_None, end->json);
  if (res == nullptr) PyErr_WriteUnraisable(t->end);
  Py_XDECREF(res);
  Py_XDECREF(obj);
  PyGILState_Release(st);
}

}  // namespace

void register_telemetry(py::module_ &m) {
  m.def(
      "set_tracer",
      [](py::object start, py::object end, py::object capture) {
        if (start.is_none() != end.is_none()) throw py::value_error("set_tracer: give start and end, or neither");
        m2mauth_status rc;
        if (start.is_none()) {
          py::gil_scoped_release unlocked;  // a send in flight may be waiting for the GIL to end its span
          rc = m2mauth_set_tracer(nullptr);
        } else {
          m2mauth_tracer t = M2MAUTH_TRACER_INIT;
          t.start = &on_span_start;
          t.end = &on_span_end;
          if (!capture.is_none()) {
            t.capture = &on_capture;
            t.release = &on_release_context;
          }
          t.payload = new PyTracer{start.release().ptr(), end.release().ptr(),
                                   capture.is_none() ? nullptr : capture.release().ptr()};
          t.free_payload = &release_tracer;
          py::gil_scoped_release unlocked;
          rc = m2mauth_set_tracer(&t);
        }
        m2mauth::detail::check(rc);
      },
      py::arg("start"), py::arg("end"), py::arg("capture") = py::none());
  m.def("telemetry_metrics_json", []() -> std::string {
    ReleaseGil nogil;  // reads every live manager's stats, taking their locks briefly
    return m2mauth::detail::text([](m2mauth_buf *out) { return m2mauth_telemetry_metrics_json(out); });
  });
}

}  // namespace m2mauth_py
