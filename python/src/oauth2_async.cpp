// The completion-callback calls behind OAuth2Client.token_async() and m2mauth.AsyncOAuth2Client
// (m2mauth_token_manager_get_async and m2mauth_token_manager_request_async through m2mauth.hpp).
//
// A call returns at once. The library completes it exactly once: on the calling thread before the
// call returns when the outcome is known at once, otherwise on a thread of the manager (or on the
// thread freeing the manager, as cancelled). The completion takes the GIL and hands the result (a
// Token, a response tuple) or the exception the blocking call would raise to a Python callable
// done(result, error), which passes it on to the event loop (loop.call_soon_threadsafe). No thread
// is parked per waiting caller; the GIL is never held while the library may block.
#include <pybind11/stl.h>

#include <optional>

#include "oauth2_manager.hpp"

namespace m2mauth_py {

namespace {

// One call in progress: the payload given to the library, released once after the completion.
struct AsyncCall {
  // The client's core, for the token cache; the manager completes its pending calls as cancelled
  // while it is freed, so a call never keeps a closed client alive.
  std::weak_ptr<ManagerCore> core;
  PyObject *done = nullptr;     // owned
  PyObject *factory = nullptr;  // owned: the Token class (token calls)
  std::uint64_t generation = 0;
  bool another_key = false;  // a _token_for_async call: its token is not the configured key's
};

// The Python exception being raised on this thread, as an object (the error indicator cleared).
py::object take_exception() {
  PyObject *type = nullptr, *value = nullptr, *tb = nullptr;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  if (value != nullptr && tb != nullptr) PyException_SetTraceback(value, tb);
  Py_XDECREF(type);
  Py_XDECREF(tb);
  if (value == nullptr) return py::reinterpret_steal<py::object>(PyObject_CallFunction(PyExc_RuntimeError, "s",
                                                                                       "m2mauth: no exception"));
  return py::reinterpret_steal<py::object>(value);
}

// The exception the blocking call raises for a failed completion: the package's class, through the one
// translator.
py::object exception_of(m2mauth_status status, const m2mauth_error *e) {
  raise_error(m2mauth::Error::from_record(status != M2MAUTH_OK ? status : M2MAUTH_ERROR, e));
  return take_exception();
}

void settle(const AsyncCall &call, const py::object &result, const py::object &error) noexcept {
  PyObject *r = PyObject_CallFunctionObjArgs(call.done, result.ptr(), error.ptr(), nullptr);
  if (r == nullptr) PyErr_WriteUnraisable(call.done);
  Py_XDECREF(r);
}

// Settles with whatever failed while the result was converted (MemoryError, ...): the caller never waits
// for a completion that will not come.
void settle_failure(const AsyncCall &call) noexcept {
  try {
    settle(call, py::none(), take_exception());
  } catch (...) {
    PyErr_Clear();
  }
}

// Runs complete() (which settles the call) with the GIL held, on a thread marked as in a library
// callback; if it throws, the call is settled with that failure instead. Nothing when the interpreter
// is exiting: nobody awaits.
template <class Complete>
void complete_in_python(const AsyncCall &call, Complete &&complete) noexcept {
  PythonCallGuard guard;
  if (!guard.ok) return;
  LibraryCallbackScope scope;
  PyGILState_STATE st = PyGILState_Ensure();
  try {
    complete();
  } catch (py::error_already_set &err) {
    err.restore();
    settle_failure(call);
  } catch (const std::exception &err) {
    PyErr_SetString(PyExc_RuntimeError, err.what());
    settle_failure(call);
  }
  PyGILState_Release(st);
}

void on_token(m2mauth_status status, const m2mauth_token_view *v, const m2mauth_error *e, void *payload) noexcept {
  const auto &call = *static_cast<const AsyncCall *>(payload);
  complete_in_python(call, [&] {
    if (status != M2MAUTH_OK || v == nullptr) return settle(call, py::none(), exception_of(status, e));
    CorePtr core = call.core.lock();
    settle(call,
           core && !call.another_key ? token_from_view(*core, *v, call.generation)  // also the cached one for token()
                                     : token_of_view(call.factory, *v),
           py::none());
  });
}

void on_response(m2mauth_status status, m2mauth_response *r, const m2mauth_error *e, void *payload) noexcept {
  std::optional<m2mauth::Response> resp;
  if (r != nullptr) resp.emplace(r);  // owned from here on, whatever happens
  const auto &call = *static_cast<const AsyncCall *>(payload);
  complete_in_python(call, [&] {
    if (status != M2MAUTH_OK || !resp) return settle(call, py::none(), exception_of(status, e));
    settle(call, response_tuple(*resp), py::none());
  });
  resp.reset();  // a large body is freed without the GIL
}

void free_call(void *payload) noexcept {
  auto *call = static_cast<AsyncCall *>(payload);
  PythonCallGuard guard;
  if (guard.ok) {
    LibraryCallbackScope scope;
    PyGILState_STATE st = PyGILState_Ensure();
    Py_XDECREF(call->done);
    Py_XDECREF(call->factory);
    PyGILState_Release(st);
  }  // else the interpreter is exiting: its objects are left alone
  delete call;
}

AsyncCall *new_call(const CorePtr &c, const py::object &done, bool token) {
  auto *call = new AsyncCall();
  call->core = c;
  call->done = done.inc_ref().ptr();
  if (token) call->factory = py::handle(c->token_factory).inc_ref().ptr();
  call->generation = c->generation.load(std::memory_order_acquire);
  return call;
}

}  // namespace

void add_async_methods(py::class_<ManagerHandle> &cls) {
  cls.def("_token_if_fresh", [](const ManagerHandle &self) -> py::object {
        // token()'s first check only (no call into the library): what token_async() returns at once.
        auto c = self.need();
        if (PyObject *t = cached_if_fresh(*c)) return py::reinterpret_borrow<py::object>(t);
        return py::none();
      })
      .def("_token_async", [](const ManagerHandle &self, const py::object &done, std::int64_t timeout_ms,
                              const m2mauth::Cancel *cancel) {
        auto c = self.need();
        const m2mauth::CallOptions options = call_options(timeout_ms, cancel);
        const m2mauth_call_options o = options.to_c();
        AsyncCall *call = new_call(c, done, true);
        ReleaseGil nogil;  // the completion may run here, and takes the GIL itself
        c->manager->get_token_async(&on_token, call, &free_call, &o);  // on failure free_call has run
      }, py::arg("done"), py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none(),
         "m2mauth_token_manager_get_async: done(token, None) or done(None, exception), exactly once.")
      .def("_token_for_async", [](const ManagerHandle &self, const std::optional<std::string> &scope,
                                  const std::optional<std::string> &audience, const std::optional<std::string> &resource,
                                  const py::object &done, std::int64_t timeout_ms, const m2mauth::Cancel *cancel) {
        auto c = self.need();
        const m2mauth::CallOptions options = call_options(timeout_ms, cancel);
        const m2mauth_call_options o = options.to_c();
        AsyncCall *call = new_call(c, done, true);
        call->another_key = true;  // not the configured key's token: never the cached one of token()
        ReleaseGil nogil;
        c->manager->get_token_for_async(scope, audience, resource, &on_token, call, &free_call, &o);  // on failure free_call has run
      }, py::arg("scope").none(true), py::arg("audience").none(true), py::arg("resource").none(true), py::arg("done"),
         py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none(),
         "m2mauth_token_manager_get_for_async: done(token, None) or done(None, exception), exactly once.")
      .def("_request_async", [](const ManagerHandle &self, const std::string &method, const std::string &url,
                                const HeaderList &headers, const std::optional<py::bytes> &body,
                                std::int64_t timeout_ms, const m2mauth::Cancel *cancel, const py::object &done) {
        auto c = self.need();
        m2mauth::Request req = make_request(method, url, headers, body);
        const m2mauth::CallOptions options = call_options(timeout_ms, cancel);
        const m2mauth_call_options o = options.to_c();
        AsyncCall *call = new_call(c, done, false);
        ReleaseGil nogil;
        c->manager->request_async(req, &on_response, call, &free_call, &o);
      }, py::arg("method"), py::arg("url"), py::arg("headers"), py::arg("body").none(true), py::arg("timeout_ms"),
         py::arg("cancel").none(true), py::arg("done"),
         "m2mauth_token_manager_request_async: done((status, headers, body), None) or done(None, exception).");
}

}  // namespace m2mauth_py
