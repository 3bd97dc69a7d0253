// OAuth 2.0: a token client and its token manager as _m2mauth.TokenManagerBase, the native base class
// of m2mauth.OAuth2Client. Network calls run without the GIL, except the cached read of token(),
// which holds it (releasing it would cost more than the read) when nothing can make it wait.
//
// token() fast path: the Python token object built for the manager's current token is kept, with what
// the library's view (m2mauth_token_view versions 2 and 3) said about reusing it: while the system clock is
// before fresh_until_ms and the key's generation counter (an acquire load of the library's memory,
// alive as long as the manager, which outlives any call holding the GIL on a live core) still reads
// generation_seen, the same Python object is returned with no call into the library (the read is counted
// in the view's reuse-hit counter, so the library's stats see it). Otherwise (no
// reuse allowed, e.g. cache-hit events on) a call checks, holding the GIL, that no invalidation was seen since that object was built and that the token is still valid by our own conservative reckoning (expires_at
// minus the expiry skew); then m2mauth_token_manager_get() (a thread-local read, no lock, no
// allocation) confirms it is the same token, and the same Python object is returned. Anything else
// takes the slow path: the GIL is released around m2mauth_token_manager_get() (one read: the token object is built from its view), which may fetch or
// wait for the one refresh in flight.
#include <pybind11/stl.h>

#include <time.h>

#include <cstring>

#include <thread>

#include "oauth2_manager.hpp"

namespace m2mauth_py {

namespace {

std::int64_t now_ms() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// One tick of CLOCK_REALTIME_COARSE (ms, rounded up): the coarse clock lags the system clock by up to
// this, so a reuse stops this much before fresh_until_ms.
std::int64_t coarse_tick_ms() noexcept {
  static const std::int64_t tick = [] {
    timespec res{};
    if (clock_getres(CLOCK_REALTIME_COARSE, &res) != 0) return std::int64_t{10};
    return static_cast<std::int64_t>(res.tv_sec) * 1000 + (res.tv_nsec + 999999) / 1000000;
  }();
  return tick;
}

thread_local bool in_library_callback = false;

// A core whose last reference is dropped inside one of the library's callbacks: stopped and freed on
// a thread of its own (with the GIL), since the manager joins the thread running the callback.
void destroy_core(ManagerCore *c) noexcept {
  if (in_library_callback) {
    if (python_finalizing()) return;  // the process is ending: leave it
    try {
      std::thread([c] {
        PythonCallGuard guard;
        if (!guard.ok) return;
        PyGILState_STATE st = PyGILState_Ensure();
        delete c;
        live(Kind::token_manager).fetch_sub(1, std::memory_order_relaxed);
        PyGILState_Release(st);
      }).detach();
      return;
    } catch (...) {
      return;  // no thread: leave it rather than deadlock
    }
  }
  delete c;
  live(Kind::token_manager).fetch_sub(1, std::memory_order_relaxed);
}

// The event trampoline registered with the C API: payload is the ManagerCore.
void on_event(const m2mauth_token_event *e, void *payload) noexcept {
  auto *core = static_cast<ManagerCore *>(payload);
  // Only an invalidation can make m2mauth_token_manager_get() wait while a cached token is still in
  // date (a fetch or refresh installs a valid token; a failure keeps the current one).
  if (e->kind == M2MAUTH_TOKEN_EVENT_INVALIDATED) core->generation.fetch_add(1, std::memory_order_acq_rel);
  if (!core->has_callback.load(std::memory_order_acquire)) return;
  if (e->kind == M2MAUTH_TOKEN_EVENT_CACHE_HIT && !core->forward_cache_hits.load(std::memory_order_acquire)) return;
  PythonCallGuard guard;
  if (!guard.ok) return;
  LibraryCallbackScope scope;
  PyGILState_STATE st = PyGILState_Ensure();
  PyObject *dispatcher = core->dispatcher;
  if (dispatcher != nullptr) {
    Py_INCREF(dispatcher);  // _set_event_callback may replace it while it runs
    PyObject *res = PyObject_CallFunction(dispatcher, "sssLiiiLsL", m2mauth_token_event_name(e->kind),
                                          e->client_id, e->scope, static_cast<long long>(e->expires_at_ms),
                                          e->error_code, e->http_status, e->transient,
                                          static_cast<long long>(e->retry_after_ms), e->oauth_error,
                                          static_cast<long long>(e->duration_ms));
    if (res == nullptr) PyErr_WriteUnraisable(core->user_callback != nullptr ? core->user_callback : dispatcher);
    Py_XDECREF(res);
    Py_DECREF(dispatcher);
  }
  PyGILState_Release(st);
}

CorePtr make_core(std::shared_ptr<const m2mauth::Http> http, std::optional<m2mauth::TokenClient> client,
                  std::shared_ptr<const m2mauth::Config> config, m2mauth::TokenManager &&manager, bool background,
                  std::int64_t skew_ms, py::object token_factory) {
  CorePtr core(new ManagerCore(), &destroy_core);
  live(Kind::token_manager).fetch_add(1, std::memory_order_relaxed);
  core->http = std::move(http);
  core->client = std::move(client);
  core->config = std::move(config);
  core->manager.emplace(std::move(manager));
  core->background = background;
  core->skew_ms = skew_ms;
  core->token_factory = token_factory.release().ptr();
  core->manager->set_event_callback(&on_event, core.get());
  return core;
}

// Client settings from m2mauth.OAuth2Client (validated there).
struct ClientArgs {
  std::string token_url, issuer, client_id;
  std::optional<std::string> client_secret, scope, audience, assertion_audience, assertion_kid, idempotency_header;
  std::vector<std::string> resources;
  std::vector<std::pair<std::string, std::string>> params;
  int auth_method = M2MAUTH_AUTH_CLIENT_SECRET_BASIC;
  int grant = M2MAUTH_GRANT_CLIENT_CREDENTIALS;
  int assertion_alg = 0;
  std::int64_t assertion_lifetime = m2mauth::AssertionOptions().lifetime_s;
  std::int64_t assertion_clock_skew = m2mauth::AssertionOptions().clock_skew_s;
  std::int64_t default_expires_in = 0;
  bool assertion_kid_thumbprint = false;
  std::optional<m2mauth::Dpop> dpop;  // DPoP-bound tokens (RFC 9449)
  std::optional<m2mauth::KeySource> key_source;  // a rotating private key (instead of key)
};

m2mauth::TokenManagerOptions manager_options(const py::dict &d) {
  m2mauth::TokenManagerOptions o;
  if (d.contains("refresh_fraction")) o.refresh_fraction = d["refresh_fraction"].cast<double>();
  if (d.contains("refresh_margin_ms")) o.refresh_margin_ms = d["refresh_margin_ms"].cast<std::int64_t>();
  if (d.contains("expiry_skew_ms")) o.expiry_skew_ms = d["expiry_skew_ms"].cast<std::int64_t>();
  if (d.contains("jitter_fraction")) o.jitter_fraction = d["jitter_fraction"].cast<double>();
  if (d.contains("wait_timeout_ms")) o.wait_timeout_ms = d["wait_timeout_ms"].cast<std::int64_t>();
  if (d.contains("backoff_base_ms")) o.backoff_base_ms = d["backoff_base_ms"].cast<std::int64_t>();
  if (d.contains("backoff_max_ms")) o.backoff_max_ms = d["backoff_max_ms"].cast<std::int64_t>();
  if (d.contains("permanent_backoff_ms")) o.permanent_backoff_ms = d["permanent_backoff_ms"].cast<std::int64_t>();
  if (d.contains("min_fetch_interval_ms")) o.min_fetch_interval_ms = d["min_fetch_interval_ms"].cast<std::int64_t>();
  if (d.contains("max_keys")) o.max_keys = d["max_keys"].cast<std::int64_t>();
  if (d.contains("background_refresh")) o.background_refresh = d["background_refresh"].cast<bool>();
  if (d.contains("report_cache_hits")) o.report_cache_hits = d["report_cache_hits"].cast<bool>();
  return o;
}

py::object build_token(ManagerCore &c, const m2mauth::Token &t) {
  py::str access(t.access_token().data(), t.access_token().size());
  py::object obj = py::reinterpret_borrow<py::object>(c.token_factory)(
      access, py::str(std::string(t.type())), static_cast<double>(t.expires_at_ms()) / 1000.0,
      py::str(std::string(t.scope())));
  if (!PyTuple_Check(obj.ptr()) || PyTuple_GET_SIZE(obj.ptr()) < 4)
    throw py::type_error("the token factory must return a 4-tuple subclass");
  return obj;
}

bool same_token(PyObject *cached_access, const m2mauth_token_view &v) noexcept {
  if (!PyUnicode_IS_COMPACT_ASCII(cached_access)) return false;
  if (static_cast<std::size_t>(PyUnicode_GET_LENGTH(cached_access)) != v.access_token_len) return false;
  return std::memcmp(PyUnicode_DATA(cached_access), v.access_token, v.access_token_len) == 0;
}

// token(): see the comment at the top of this file.
PyObject *token_fast(ManagerHandle &self) {
  ManagerCore *c = self.core.get();
  if (c == nullptr) throw py::value_error("the OAuth 2.0 client is closed");
  if (PyObject *fresh = cached_if_fresh(*c)) {
    Py_INCREF(fresh);
    return fresh;
  }
  if (c->cached != nullptr && c->background &&
      c->generation.load(std::memory_order_acquire) == c->cached_generation &&
      now_ms() < c->cached_expires_ms - c->skew_ms) {
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    m2mauth_status st = m2mauth_token_manager_get(&v, c->manager->get());
    if (st != M2MAUTH_OK) throw m2mauth::Error::last(st);
    PyObject *access = PyTuple_GET_ITEM(c->cached, 0);  // Token is a tuple subclass: (access, type, exp, scope)
    if (v.expires_at_ms == c->cached_expires_ms && same_token(access, v)) {
      Py_INCREF(c->cached);
      return c->cached;
    }
  }
  // Slow path: one read of the view (it may fetch or wait), without the GIL; the token object is built
  // from that view (valid until this thread's next call on the manager), so a token that is already
  // stale when it arrives (a lifetime under the floor) costs one fetch, not a second read that waits
  // for the next one.
  CorePtr hold = self.core;
  std::uint64_t generation = hold->generation.load(std::memory_order_acquire);
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  {
    ReleaseGil nogil;
    const m2mauth_status st = m2mauth_token_manager_get(&v, hold->manager->get());
    if (st != M2MAUTH_OK) throw m2mauth::Error::last(st);
  }
  return token_from_view(*hold, v, generation).release().ptr();
}

PyObject *py_token(PyObject *self, PyObject *) {
  try {
    // The method descriptor has checked that self is a TokenManagerBase. A Python subclass of this one
    // pybind11 class has the simple layout: the value is read without pybind11's type lookup.
    auto *inst = reinterpret_cast<py::detail::instance *>(self);
    if (inst->simple_layout && inst->simple_holder_constructed && inst->simple_value_holder[0] != nullptr)
      return token_fast(*static_cast<ManagerHandle *>(inst->simple_value_holder[0]));
    auto &h = py::handle(self).cast<ManagerHandle &>();
    return token_fast(h);
  } catch (py::error_already_set &e) {
    e.restore();
  } catch (const m2mauth::Error &e) {
    raise_error(e);
  } catch (const py::builtin_exception &e) {
    e.set_error();
  } catch (const std::bad_alloc &) {
    PyErr_NoMemory();
  } catch (const std::exception &e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

PyMethodDef token_def = {"token", reinterpret_cast<PyCFunction>(py_token), METH_NOARGS,
                         "The current token (see m2mauth.OAuth2Client.token)."};

}  // namespace

LibraryCallbackScope::LibraryCallbackScope() noexcept : outer_(in_library_callback) { in_library_callback = true; }
LibraryCallbackScope::~LibraryCallbackScope() { in_library_callback = outer_; }

ManagerCore::~ManagerCore() {
  // The manager's thread may be inside our event callback, waiting for the GIL: release it while
  // the manager stops (it cancels and joins that thread, and completes pending _async calls with
  // M2MAUTH_ECANCELLED). Not during finalization, when the callbacks no longer touch Python and
  // releasing the GIL is not allowed.
  if (manager) {
    if (!python_finalizing() && PyGILState_Check()) {
      ReleaseGil nogil;
      manager.reset();
      client.reset();
    } else {
      manager.reset();
      client.reset();
    }
  }
  Py_XDECREF(cached);
  Py_XDECREF(token_factory);
  Py_XDECREF(dispatcher);
  Py_XDECREF(user_callback);
}

py::object token_of_view(PyObject *factory, const m2mauth_token_view &v) {
  py::str access(v.access_token, v.access_token_len);
  py::object obj = py::reinterpret_borrow<py::object>(factory)(
      access, py::str(v.scheme), static_cast<double>(v.expires_at_ms) / 1000.0,
      py::str(v.scope != nullptr ? v.scope : ""));
  if (!PyTuple_Check(obj.ptr()) || PyTuple_GET_SIZE(obj.ptr()) < 4)
    throw py::type_error("the token factory must return a 4-tuple subclass");
  return obj;
}

py::object token_from_view(ManagerCore &c, const m2mauth_token_view &v, std::uint64_t generation) {
  py::object obj;
  if (c.cached != nullptr && c.cached_expires_ms == v.expires_at_ms && same_token(PyTuple_GET_ITEM(c.cached, 0), v)) {
    obj = py::reinterpret_borrow<py::object>(c.cached);  // the same token: the same object (many awaits, one fetch)
  } else {
    obj = token_of_view(c.token_factory, v);
    Py_XDECREF(c.cached);
    c.cached = obj.inc_ref().ptr();
  }
  c.cached_generation = generation;
  c.cached_expires_ms = v.expires_at_ms;
  c.reuse_generation = v.fresh_until_ms != 0 ? v.generation : nullptr;
  c.reuse_until_ms = v.fresh_until_ms - coarse_tick_ms();
  c.reuse_seen = v.generation_seen;
  c.reuse_hits = v.fresh_until_ms != 0 && v.reuse_hits_count > 0 ? v.reuse_hits : nullptr;
  return obj;
}

PyObject *cached_if_fresh(const ManagerCore &c) noexcept {
  if (c.cached != nullptr && c.reuse_generation != nullptr &&
      c.generation.load(std::memory_order_acquire) == c.cached_generation && now_ms() < c.reuse_until_ms &&
      __atomic_load_n(c.reuse_generation, __ATOMIC_ACQUIRE) == c.reuse_seen) {
    // A cache hit the library did not serve: counted where its stats read it (the view asks for this).
    if (c.reuse_hits != nullptr) __atomic_fetch_add(c.reuse_hits, 1, __ATOMIC_RELAXED);
    return c.cached;
  }
  return nullptr;
}

void register_oauth2(py::module_ &m) {
  // A native cancel signal (call.h): cancel() from any thread stops the call using it at once.
  py::class_<m2mauth::Cancel>(m, "Cancel")
      .def(py::init<>())
      .def("cancel", [](const m2mauth::Cancel &c) {
        ReleaseGil nogil;  // it runs the stopped calls' library code, which may complete them
        c.cancel();
      })
      .def_property_readonly("cancelled", &m2mauth::Cancel::requested);

  m.def("describe_manager_options", [](const py::dict &options) { return manager_options(options).describe(); },
        "m2mauth_token_manager_options_describe of the options m2mauth.OAuth2Client would use.");
  py::class_<ClientArgs>(m, "ClientArgs")
      .def(py::init<>())
      .def_readwrite("token_url", &ClientArgs::token_url)
      .def_readwrite("issuer", &ClientArgs::issuer)
      .def_readwrite("client_id", &ClientArgs::client_id)
      .def_readwrite("client_secret", &ClientArgs::client_secret)
      .def_readwrite("scope", &ClientArgs::scope)
      .def_readwrite("audience", &ClientArgs::audience)
      .def_readwrite("resources", &ClientArgs::resources)
      .def_readwrite("params", &ClientArgs::params)
      .def_readwrite("auth_method", &ClientArgs::auth_method)
      .def_readwrite("grant", &ClientArgs::grant)
      .def_readwrite("assertion_audience", &ClientArgs::assertion_audience)
      .def_readwrite("assertion_alg", &ClientArgs::assertion_alg)
      .def_readwrite("assertion_lifetime", &ClientArgs::assertion_lifetime)
      .def_readwrite("assertion_clock_skew", &ClientArgs::assertion_clock_skew)
      .def_readwrite("assertion_kid", &ClientArgs::assertion_kid)
      .def_readwrite("assertion_kid_thumbprint", &ClientArgs::assertion_kid_thumbprint)
      .def_readwrite("default_expires_in", &ClientArgs::default_expires_in)
      .def_readwrite("idempotency_header", &ClientArgs::idempotency_header)
      .def_readwrite("dpop", &ClientArgs::dpop)
      .def_readwrite("key_source", &ClientArgs::key_source);

  py::dict auths;
  for (int a = M2MAUTH_AUTH_CLIENT_SECRET_BASIC; a <= M2MAUTH_AUTH_NONE; ++a) auths[py::str(m2mauth_client_auth_name(a))] = a;
  m.attr("CLIENT_AUTH_METHODS") = auths;
  m.attr("GRANT_CLIENT_CREDENTIALS") = static_cast<int>(M2MAUTH_GRANT_CLIENT_CREDENTIALS);
  m.attr("GRANT_JWT_BEARER") = static_cast<int>(M2MAUTH_GRANT_JWT_BEARER);

  auto cls = py::class_<ManagerHandle>(m, "TokenManagerBase", py::dynamic_attr(),
                                       "Native base of m2mauth.OAuth2Client: a token client and its manager.");
  cls.def(py::init<>())
      .def("_init_from_args", [](ManagerHandle &self, const ClientArgs &a, const PyKey *key, const PyHttp &http,
                                 const py::dict &options, py::object token_factory) {
        auto h = http.need("transport");
        std::optional<std::shared_ptr<const m2mauth::Key>> k;
        if (key != nullptr) k = key->need("key");
        m2mauth::TokenManagerOptions o = manager_options(options);
        std::optional<m2mauth::TokenClient> client;
        std::optional<m2mauth::TokenManager> manager;
        {
          ReleaseGil nogil;  // discovery is a network call
          client.emplace(a.issuer.empty() ? m2mauth::TokenClient(a.token_url, a.client_id, *h)
                                          : m2mauth::TokenClient::discover(a.issuer, a.client_id, *h));
          m2mauth::TokenClient &c = *client;
          c.set_auth_method(static_cast<m2mauth::ClientAuth>(a.auth_method));
          if (a.client_secret) c.set_secret(*a.client_secret);
          if (k) c.set_private_key(**k);
          if (a.key_source) c.set_key_source(*a.key_source);
          if (a.dpop) c.set_dpop(*a.dpop);
          if (a.grant != M2MAUTH_GRANT_CLIENT_CREDENTIALS) c.set_grant(static_cast<m2mauth::Grant>(a.grant));
          if (a.scope) c.set_scope(*a.scope);
          if (a.audience) c.set_audience(*a.audience);
          for (const auto &r : a.resources) c.add_resource(r);
          for (const auto &[n, v] : a.params) c.add_param(n, v);
          m2mauth::AssertionOptions assertion;
          assertion.audience = a.assertion_audience;
          if (a.assertion_alg != 0) assertion.alg = static_cast<m2mauth::Alg>(a.assertion_alg);
          assertion.lifetime_s = a.assertion_lifetime;
          assertion.clock_skew_s = a.assertion_clock_skew;
          assertion.kid = a.assertion_kid;
          assertion.kid_thumbprint = a.assertion_kid_thumbprint;
          c.set_assertion(assertion);
          if (a.default_expires_in != 0) c.set_default_expires_in(a.default_expires_in);
          manager.emplace(c, o);
          if (a.idempotency_header) manager->set_idempotency_header(*a.idempotency_header);
        }
        std::int64_t skew = o.expiry_skew_ms > 0 ? o.expiry_skew_ms : 30000;
        self.core = make_core(h, std::move(client), nullptr, std::move(*manager), o.background_refresh, skew,
                              std::move(token_factory));
      }, py::arg("args"), py::arg("key").none(true), py::arg("http"), py::arg("options"), py::arg("token_factory"))
      .def("_init_from_config", [](ManagerHandle &self, const PyConfig &config, const PyHttp *http,
                                   py::object token_factory) {
        auto cfg = config.need("configuration");
        std::shared_ptr<const m2mauth::Http> h;
        if (http != nullptr) h = http->need("transport");
        std::optional<m2mauth::TokenManager> manager;
        std::int64_t skew = 30000;
        bool background = true;
        {
          ReleaseGil nogil;
          if (!h) h = std::make_shared<const m2mauth::Http>(cfg->http());
          manager.emplace(cfg->token_manager(h.get()));
          if (auto v = cfg->get_value("oauth2.expiry_skew_ms")) skew = std::max<std::int64_t>(1, std::stoll(*v));
          if (auto v = cfg->get_value("oauth2.background_refresh")) background = *v == "true";
        }
        self.core = make_core(h, std::nullopt, cfg, std::move(*manager), background, skew, std::move(token_factory));
      }, py::arg("config"), py::arg("http").none(true), py::arg("token_factory"))
      .def("_set_event_callback", [](ManagerHandle &self, py::object dispatcher, py::object user) {
        auto c = self.need();
        c->has_callback.store(false, std::memory_order_release);
        PyObject *old_d = c->dispatcher, *old_u = c->user_callback;
        c->dispatcher = dispatcher.is_none() ? nullptr : dispatcher.inc_ref().ptr();
        c->user_callback = user.is_none() ? nullptr : user.inc_ref().ptr();
        Py_XDECREF(old_d);
        Py_XDECREF(old_u);
        c->forward_cache_hits.store(c->user_callback != nullptr, std::memory_order_release);
        c->has_callback.store(c->dispatcher != nullptr, std::memory_order_release);
      })
      .def("_fetch", [](ManagerHandle &self) {
        auto c = self.need();
        std::optional<m2mauth::Token> t;
        {
          ReleaseGil nogil;
          std::lock_guard<std::mutex> lock(c->client_mu);
          if (!c->client) c->client.emplace(c->config->token_client(c->http.get()));
          t.emplace(c->client->fetch());
        }
        return build_token(*c, *t);
      })
      .def("_dpop_of_manager", [](ManagerHandle &self) { return self.need()->manager->dpop(); })
      .def("_invalidate", [](ManagerHandle &self, const std::optional<std::string> &token) {
        auto c = self.need();
        ReleaseGil nogil;
        c->manager->invalidate(token);
      }, py::arg("token").none(true))
      .def("_request", [](ManagerHandle &self, const std::string &method, const std::string &url,
                          const HeaderList &headers, const std::optional<py::bytes> &body, std::int64_t timeout_ms,
                          const m2mauth::Cancel *cancel) {
        auto c = self.need();
        m2mauth::Request req = make_request(method, url, headers, body);
        const m2mauth::CallOptions options = call_options(timeout_ms, cancel);
        std::optional<m2mauth::Response> resp;
        {
          ReleaseGil nogil;
          resp.emplace(c->manager->request(req, options));
        }
        return response_tuple(*resp);
      }, py::arg("method"), py::arg("url"), py::arg("headers"), py::arg("body").none(true), py::arg("timeout_ms") = 0,
         py::arg("cancel").none(true) = py::none())
      .def("_token_for", [](ManagerHandle &self, const std::optional<std::string> &scope,
                            const std::optional<std::string> &audience, const std::optional<std::string> &resource,
                            std::int64_t timeout_ms, const m2mauth::Cancel *cancel) {
        // Another key's token through the cached view (m2mauth_token_manager_get_for_with), copied out
        // before the GIL is taken back: the view is only valid until this thread's next call.
        auto c = self.need();
        const m2mauth::CallOptions options = call_options(timeout_ms, cancel);
        std::string access, scheme, granted;
        std::int64_t expires_ms = 0;
        {
          ReleaseGil nogil;
          m2mauth::TokenView v = c->manager->get_token_for(scope, audience, resource, options);
          access.assign(v.access_token);
          scheme.assign(v.scheme);
          granted.assign(v.scope);
          expires_ms = v.expires_at_ms;
        }
        struct Wipe {
          std::string &s;
          ~Wipe() {
            volatile char *p = s.data();
            for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
          }
        } wipe{access};
        py::object obj = py::reinterpret_borrow<py::object>(c->token_factory)(
            py::str(access), py::str(scheme), static_cast<double>(expires_ms) / 1000.0, py::str(granted));
        return obj;
      }, py::arg("scope").none(true), py::arg("audience").none(true), py::arg("resource").none(true),
         py::arg("timeout_ms") = 0, py::arg("cancel").none(true) = py::none())
      .def("_stats", [](ManagerHandle &self, bool configured, const std::optional<std::string> &scope,
                        const std::optional<std::string> &audience, const std::optional<std::string> &resource) {
        // One key's m2mauth_token_stats as a dict with the C member names (m2mauth.TokenStats builds on it).
        auto c = self.need();
        m2mauth_token_stats s;
        {
          ReleaseGil nogil;
          s = configured ? c->manager->stats() : c->manager->stats_for(scope, audience, resource);
        }
        py::list latency;
        for (std::uint64_t n : s.refresh_latency) latency.append(n);
        py::dict d;
        d["cache_hits"] = s.cache_hits;
        d["requests_ok"] = s.requests_ok;
        d["requests_transient"] = s.requests_transient;
        d["requests_permanent"] = s.requests_permanent;
        d["waits"] = s.waits;
        d["wait_ms_total"] = s.wait_ms_total;
        d["refresh_latency"] = latency;
        d["has_token"] = s.has_token != 0;
        d["source"] = m2mauth_token_source_name(s.source);
        d["expires_at_ms"] = s.expires_at_ms;
        d["expires_in_ms"] = s.expires_in_ms;
        d["refresh_at_ms"] = s.refresh_at_ms;
        d["last_error_code"] = s.last_error_code;
        d["last_error_category"] = s.last_error_category;
        d["last_http_status"] = s.last_http_status;
        d["last_vendor_code"] = s.last_vendor_code;
        d["last_oauth_error"] = std::string(s.last_oauth_error);
        d["has_clock_offset"] = s.has_clock_offset != 0;
        d["clock_offset_ms"] = s.clock_offset_ms;
        return d;
      }, py::arg("configured"), py::arg("scope").none(true), py::arg("audience").none(true),
         py::arg("resource").none(true))
      .def("_stats_json", [](ManagerHandle &self) {
        auto c = self.need();
        ReleaseGil nogil;
        return c->manager->stats_json();
      })
      .def("_token_nogil", [](ManagerHandle &self) {
        // The slow path on purpose (benchmarks and tests compare it with token()).
        auto c = self.need();
        std::optional<m2mauth::Token> t;
        {
          ReleaseGil nogil;
          t.emplace(c->manager->token());
        }
        return build_token(*c, *t);
      })
      .def("_bench_c_get", [](ManagerHandle &self, long n) {
        // For python/bench: n cached reads (m2mauth_token_manager_get) in a C++ loop; thread CPU seconds.
        auto c = self.need();
        ReleaseGil nogil;
        m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
        timespec a{}, b{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        for (long i = 0; i < n; ++i) {
          if (m2mauth_token_manager_get(&v, c->manager->get()) != M2MAUTH_OK) throw m2mauth::Error::last(-1);
        }
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        return static_cast<double>(b.tv_sec - a.tv_sec) + static_cast<double>(b.tv_nsec - a.tv_nsec) * 1e-9;
      })
      .def("_close", [](ManagerHandle &self) { self.core.reset(); })
      .def_property_readonly("closed", [](const ManagerHandle &self) { return !self.core; });
  add_async_methods(cls);

  // token() as a METH_NOARGS method: no argument parsing, no pybind11 dispatcher on the hot path.
  PyObject *type = cls.ptr();
  PyObject *descr = PyDescr_NewMethod(reinterpret_cast<PyTypeObject *>(type), &token_def);
  if (descr == nullptr) throw py::error_already_set();
  if (PyObject_SetAttrString(type, "token", descr) != 0) {
    Py_DECREF(descr);
    throw py::error_already_set();
  }
  Py_DECREF(descr);
}

}  // namespace m2mauth_py
