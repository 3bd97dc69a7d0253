// HTTP: the libcurl transport (m2mauth::Http) as _m2mauth.Http, and the request/response values shared
// by the OAuth 2.0 and OAuth 1.0 areas. Sending runs without the GIL.
#include <pybind11/stl.h>

#include <chrono>
#include <thread>

#include "binding.hpp"

namespace m2mauth_py {

namespace {

std::atomic<bool> finalizing{false};
std::atomic<int> python_calls{0};
std::atomic<std::thread::id> exiting_thread{};

std::optional<std::string> opt_text(const py::dict &d, const char *name) {
  if (!d.contains(name)) return std::nullopt;
  py::object v = d[name];
  if (v.is_none()) return std::nullopt;
  return v.cast<std::string>();
}

}  // namespace

bool python_finalizing() noexcept { return finalizing.load(); }

ReleaseGil::ReleaseGil() noexcept : state_(PyEval_SaveThread()) {}

ReleaseGil::~ReleaseGil() {
  if (finalizing.load() && std::this_thread::get_id() != exiting_thread.load()) {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  }
  PyEval_RestoreThread(state_);
}

PythonCallGuard::PythonCallGuard() noexcept {
  python_calls.fetch_add(1);
  ok = !finalizing.load() && Py_IsInitialized() != 0;
  if (!ok) python_calls.fetch_sub(1);
}

PythonCallGuard::~PythonCallGuard() {
  if (ok) python_calls.fetch_sub(1);
}

m2mauth::HttpOptions http_options(const py::dict &d) {
  m2mauth::HttpOptions o;
  o.ca_file = opt_text(d, "ca_file");
  o.ca_dir = opt_text(d, "ca_dir");
  o.client_cert = opt_text(d, "client_cert");
  o.client_key = opt_text(d, "client_key");
  o.client_key_passphrase = opt_text(d, "client_key_password");
  o.client_cert_type = opt_text(d, "client_cert_type");
  o.proxy = opt_text(d, "proxy");
  o.user_agent = opt_text(d, "user_agent");
  if (d.contains("connect_timeout_ms")) o.connect_timeout_ms = d["connect_timeout_ms"].cast<std::int64_t>();
  if (d.contains("timeout_ms")) o.timeout_ms = d["timeout_ms"].cast<std::int64_t>();
  if (d.contains("max_response_bytes")) o.max_response_bytes = d["max_response_bytes"].cast<std::size_t>();
  if (d.contains("verify")) o.verify = d["verify"].cast<bool>();
  if (d.contains("allow_plain_http")) o.allow_plain_http = d["allow_plain_http"].cast<bool>();
  return o;
}

m2mauth::Request make_request(const std::string &method, const std::string &url, const HeaderList &headers,
                              const std::optional<py::bytes> &body) {
  m2mauth::Request req(method, url);
  for (const auto &[name, value] : headers) req.add_header(name, value);
  if (body) {
    char *data = nullptr;
    Py_ssize_t len = 0;
    if (PyBytes_AsStringAndSize(body->ptr(), &data, &len) != 0) throw py::error_already_set();
    req.set_body(std::string_view(data, static_cast<std::size_t>(len)));
  }
  return req;
}

py::tuple response_tuple(const m2mauth::Response &resp) {
  py::list headers;
  for (const auto &[name, value] : resp.headers()) headers.append(py::make_tuple(name, value));
  std::string_view body = resp.body();
  return py::make_tuple(resp.status(), headers, py::bytes(body.data(), body.size()));
}

py::tuple response_tuple_nogil(m2mauth::Response &&resp) {
  py::tuple t = response_tuple(resp);
  {
    ReleaseGil nogil;  // freeing a large body takes time
    m2mauth::Response gone = std::move(resp);
  }
  return t;
}

void register_http(py::module_ &m) {
  m.def("describe_http_options", [](const py::dict &options) { return http_options(options).describe(); },
        "m2mauth_http_options_describe of the options m2mauth.Http would use.");
  py::class_<PyHttp>(m, "Http", "A native HTTP transport (see m2mauth.Http).")
      .def(py::init([](const py::dict &options) { return PyHttp(m2mauth::Http(http_options(options))); }))
      .def("add_override", [](const PyHttp &self, const std::string &prefix, const py::dict &options) {
        auto h = self.need("transport");
        m2mauth::HttpOptions o = http_options(options);
        // The C handle is thread-safe; the wrapper's const-ness only reflects shared ownership.
        const_cast<m2mauth::Http &>(*h).add_override(prefix, o);
      })
      .def("send", [](const PyHttp &self, const std::string &method, const std::string &url, const HeaderList &headers,
                      const std::optional<py::bytes> &body, std::int64_t timeout_ms, const m2mauth::Cancel *cancel) {
        auto h = self.need("transport");
        m2mauth::Request req = make_request(method, url, headers, body);
        const m2mauth::CallOptions options = call_options(timeout_ms, cancel);
        std::optional<m2mauth::Response> resp;
        {
          ReleaseGil nogil;
          resp.emplace(h->send(req, options));
        }
        return response_tuple(*resp);
      }, py::arg("method"), py::arg("url"), py::arg("headers"), py::arg("body").none(true), py::arg("timeout_ms") = 0,
         py::arg("cancel").none(true) = py::none())
      .def("close", &PyHttp::close)
      .def_property_readonly("closed", &PyHttp::closed);

  // Runs at interpreter exit (atexit), before finalization: from then on native threads (the token
  // manager's) skip Python callbacks; callbacks already running are waited for, a bounded time.
  m.def("_shutdown", [] {
    exiting_thread.store(std::this_thread::get_id());
    finalizing.store(true);
    py::gil_scoped_release nogil;
    for (int i = 0; i < 2000 && python_calls.load() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  py::module_::import("atexit").attr("register")(m.attr("_shutdown"));
}

}  // namespace m2mauth_py
