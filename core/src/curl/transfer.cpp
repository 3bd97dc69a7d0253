// One request on a pooled easy handle: long-lived options per profile, per-request options, the
// body/header/progress callbacks.
#include "curl/transfer.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "curl/ca_store.hpp"
#include "curl/handles.hpp"
#include "curl/tls.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core::curl {

namespace {

constexpr std::size_t kMaxReserve = 1u << 20;  // never pre-allocate more than this for a body

template <typename T>
void set(CURL *e, CURLoption opt, T value, const char *name) {
  CURLcode rc = curl_easy_setopt(e, opt, value);
  if (rc == CURLE_OK) return;
  if (rc == CURLE_OUT_OF_MEMORY) throw std::bad_alloc();
  fail(Errc::config, std::string("libcurl refused option ") + name + ": " + curl_easy_strerror(rc));
}
#define M2MAUTH_SET(e, opt, value) set(e, opt, value, #opt)

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::size_t on_body(char *data, std::size_t size, std::size_t n, void *p) noexcept {
  auto *sink = static_cast<Sink *>(p);
  std::size_t len = size * n;
  std::string &body = sink->response->body;
  if (sink->max_bytes != 0 && len > sink->max_bytes - body.size()) {
    sink->too_large = true;
    return 0;  // libcurl aborts with CURLE_WRITE_ERROR
  }
  try {
    body.append(data, len);
  } catch (...) {
    sink->out_of_memory = true;
    return 0;
  }
  return len;
}

void reserve_for(Sink &sink, std::string_view length) {
  std::size_t n = 0;
  for (char c : length) {
    if (c < '0' || c > '9') return;
    if (n > kMaxReserve) break;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (sink.max_bytes != 0) n = std::min(n, sink.max_bytes);
  sink.response->body.reserve(std::min(n, kMaxReserve));
}

// Header lines of every response libcurl reads arrive here, including interim 1xx responses: a status
// line starts the list afresh, so only the final response's headers remain. Names keep their case and
// repeated headers stay separate entries.
std::size_t on_header(char *data, std::size_t size, std::size_t n, void *p) noexcept {
  auto *sink = static_cast<Sink *>(p);
  std::size_t len = size * n;
  std::string_view line(data, len);
  try {
    auto &headers = sink->response->headers;
    if (line.rfind("HTTP/", 0) == 0) {
      headers.clear();
      sink->response->body.clear();
      return len;
    }
    if (line.empty() || line[0] == '\r' || line[0] == '\n') return len;
    if (line[0] == ' ' || line[0] == '\t') {  // obsolete line folding: continues the previous value
      if (!headers.empty()) {
        std::string_view more = trim(line);
        if (!more.empty()) headers.back().second.append(" ").append(more);
      }
      return len;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return len;
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (headers.empty()) headers.reserve(12);
    headers.emplace_back(std::string(name), std::string(value));
    if (name.size() == 14 && header_name_equal(name, "Content-Length")) reserve_for(*sink, value);
  } catch (...) {
    sink->out_of_memory = true;
    return 0;
  }
  return len;
}

int on_progress(void *p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
  auto *sink = static_cast<Sink *>(p);
  if (sink->cancel != nullptr && sink->cancel->requested()) {
    sink->cancelled = true;
    return 1;  // libcurl aborts with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

bool is_token_method(const std::string &m) noexcept {
  if (m.empty() || m.size() > 32) return false;
  for (char c : m)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

void check_header(const Header &h) {
  if (h.first.empty()) fail(Errc::invalid_argument, "request header name is empty");
  for (char c : h.first)
    if (static_cast<unsigned char>(c) <= ' ' || c == ':' || c == 0x7f) fail(Errc::invalid_argument, "request header name has an invalid character");
  // Values can be long (bearer tokens, signatures): memchr is vectorised, a loop per character is not.
  const char *v = h.second.data();
  std::size_t n = h.second.size();
  if (std::memchr(v, '\r', n) != nullptr || std::memchr(v, '\n', n) != nullptr || std::memchr(v, '\0', n) != nullptr)
    fail(Errc::invalid_argument, "request header value has a line break or NUL");
}

// "Name: value" lines (libcurl's "Name;" for an empty value). Content-Length is libcurl's to set;
// "Expect:" stops libcurl from waiting for 100-continue before sending a body. The profile's
// User-Agent goes in the same list unless the request has its own (cheaper in libcurl 7.88 than
// CURLOPT_USERAGENT, which it formats anew for every request).
Slist header_list(const Request &req, const http::Profile &profile) {
  Slist list;
  std::string line;
  bool has_expect = false, has_agent = false;
  for (const Header &h : req.headers) {
    check_header(h);
    if (header_name_equal(h.first, "Content-Length")) continue;
    if (header_name_equal(h.first, "Expect")) has_expect = true;
    if (header_name_equal(h.first, "User-Agent")) has_agent = true;
    line.assign(h.first);
    if (h.second.empty()) {
      line.push_back(';');
    } else {
      line.append(": ").append(h.second);
    }
    append(list, line.c_str());
  }
  if (!req.body.empty() && !has_expect) append(list, "Expect:");
  if (!has_agent) append(list, profile.user_agent_line.c_str());
  return list;
}

void set_method(CURL *e, const Request &req) {
  const std::string &m = req.method;
  if (!is_token_method(m)) fail(Errc::invalid_argument, "invalid HTTP method");
  // A handle remembers the previous request's method: every request sets all of them.
  M2MAUTH_SET(e, CURLOPT_CUSTOMREQUEST, static_cast<const char *>(nullptr));
  if (m == "HEAD") {
    M2MAUTH_SET(e, CURLOPT_NOBODY, 1L);
    return;
  }
  M2MAUTH_SET(e, CURLOPT_NOBODY, 0L);
  bool sends_body = !req.body.empty() || m == "POST" || m == "PUT" || m == "PATCH";
  if (sends_body) {
    M2MAUTH_SET(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    M2MAUTH_SET(e, CURLOPT_POSTFIELDS, req.body.c_str());  // not copied: req outlives the transfer
    if (m != "POST") M2MAUTH_SET(e, CURLOPT_CUSTOMREQUEST, m.c_str());
  } else {
    M2MAUTH_SET(e, CURLOPT_HTTPGET, 1L);
    if (m != "GET") M2MAUTH_SET(e, CURLOPT_CUSTOMREQUEST, m.c_str());
  }
}

curl_blob blob_of(const std::string &pem) noexcept {
  return curl_blob{const_cast<char *>(pem.data()), pem.size(), CURL_BLOB_COPY};
}

void configure_client_cert(CURL *e, const http::Profile &p) {
  const HttpConfig &c = p.config;
  if (c.client_cert.empty()) return;
  M2MAUTH_SET(e, CURLOPT_SSLCERTTYPE, c.client_cert_type.c_str());
  if (p.cert_is_pem) {
    curl_blob cert = blob_of(c.client_cert);
    M2MAUTH_SET(e, CURLOPT_SSLCERT_BLOB, &cert);
  } else {
    M2MAUTH_SET(e, CURLOPT_SSLCERT, c.client_cert.c_str());
  }
  if (c.client_cert_type == "PEM") {
    if (p.key_is_pkcs11) {
      M2MAUTH_SET(e, CURLOPT_SSLENGINE, "pkcs11");
      M2MAUTH_SET(e, CURLOPT_SSLKEYTYPE, "ENG");
      M2MAUTH_SET(e, CURLOPT_SSLKEY, p.pkcs11_key_uri.c_str());
      return;  // the engine holds the PIN (pkcs11_prepare_engine)
    }
    M2MAUTH_SET(e, CURLOPT_SSLKEYTYPE, "PEM");
    if (p.key_is_pem || (c.client_key.empty() && p.cert_is_pem)) {
      curl_blob key = blob_of(c.client_key.empty() ? c.client_cert : c.client_key);
      M2MAUTH_SET(e, CURLOPT_SSLKEY_BLOB, &key);
    } else if (!c.client_key.empty()) {
      M2MAUTH_SET(e, CURLOPT_SSLKEY, c.client_key.c_str());
    }
  }
  if (!c.client_key_passphrase.empty()) M2MAUTH_SET(e, CURLOPT_KEYPASSWD, c.client_key_passphrase.c_str());
}

// curl_easy_perform's loop on the handle's own multi, so that a cancel wakes the poll at once: the
// next round runs the transfer-info callback, which aborts the transfer (and its connection).
CURLcode run(PooledEasy &h, Sink &sink) {
  if (!h.multi) {
    h.multi.reset(curl_multi_init());
    if (!h.multi) throw std::bad_alloc();
  }
  CURLM *m = h.multi.get();
  CURL *e = h.easy.get();
  if (curl_multi_add_handle(m, e) != CURLM_OK) return CURLE_FAILED_INIT;
  CURLcode rc = CURLE_OK;
  {
    CancelSubscription wake(sink.cancel, [m] { (void)curl_multi_wakeup(m); });
    int running = 1;
    while (true) {
      CURLMcode mc = curl_multi_perform(m, &running);
      if (mc != CURLM_OK) {
        rc = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
        break;
      }
      if (running == 0) {
        int queued = 0;
        while (CURLMsg *msg = curl_multi_info_read(m, &queued))
          if (msg->msg == CURLMSG_DONE && msg->easy_handle == e) rc = msg->data.result;
        break;
      }
      if (sink.cancel != nullptr && sink.cancel->requested()) {
        sink.cancelled = true;
        rc = CURLE_ABORTED_BY_CALLBACK;
        break;
      }
      mc = curl_multi_poll(m, nullptr, 0, 1000, nullptr);
      if (mc != CURLM_OK) {
        rc = CURLE_FAILED_INIT;
        break;
      }
    }
  }
  (void)curl_multi_remove_handle(m, e);  // mid-transfer: the connection is closed, not reused
  return rc;
}

}  // namespace

void configure(PooledEasy &h, const std::shared_ptr<const http::Profile> &profile) {
  CURL *e = h.easy.get();
  const HttpConfig &c = profile->config;
  h.profile.reset();
  h.checked_url.clear();
  curl_easy_reset(e);  // keeps live connections, caches and the share
  M2MAUTH_SET(e, CURLOPT_NOSIGNAL, 1L);
  M2MAUTH_SET(e, CURLOPT_ERRORBUFFER, h.errbuf);
  M2MAUTH_SET(e, CURLOPT_PROTOCOLS_STR, "http,https");
  M2MAUTH_SET(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  M2MAUTH_SET(e, CURLOPT_FOLLOWLOCATION, 0L);
  M2MAUTH_SET(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  M2MAUTH_SET(e, CURLOPT_TCP_KEEPALIVE, 1L);
  // HTTP/2 over TLS where the server offers it in ALPN; HTTP/1.1 otherwise. A libcurl without
  // HTTP/2 refuses the option: that is not an error.
  (void)curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  M2MAUTH_SET(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  M2MAUTH_SET(e, CURLOPT_SSL_VERIFYPEER, c.verify_peer ? 1L : 0L);
  M2MAUTH_SET(e, CURLOPT_SSL_VERIFYHOST, c.verify_peer ? 2L : 0L);
  if (!c.ca_file.empty()) M2MAUTH_SET(e, CURLOPT_CAINFO, c.ca_file.c_str());
  if (!c.ca_dir.empty()) M2MAUTH_SET(e, CURLOPT_CAPATH, c.ca_dir.c_str());
  if (c.ca_file.empty() && c.ca_dir.empty() && c.verify_peer) {  // the system's store, wherever it is here
    const CaLocations &system = system_ca_locations(e);
    if (!system.file.empty()) M2MAUTH_SET(e, CURLOPT_CAINFO, system.file.c_str());
    if (!system.dir.empty()) M2MAUTH_SET(e, CURLOPT_CAPATH, system.dir.c_str());
  }
  configure_client_cert(e, *profile);
  if (c.client_cert.empty()) watch_client_cert_requests(h);
  // "" (no proxy) also stops libcurl from reading http_proxy, https_proxy, all_proxy and no_proxy.
  M2MAUTH_SET(e, CURLOPT_PROXY, c.proxy.c_str());
  M2MAUTH_SET(e, CURLOPT_NOPROXY, "");
  M2MAUTH_SET(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(c.connect_timeout_ms));
  M2MAUTH_SET(e, CURLOPT_WRITEFUNCTION, &on_body);
  M2MAUTH_SET(e, CURLOPT_HEADERFUNCTION, &on_header);
  M2MAUTH_SET(e, CURLOPT_XFERINFOFUNCTION, &on_progress);
  h.profile = profile;
}

Response perform(PooledEasy &h, const http::Profile &profile, const Request &req, const CallOptions &options) {
  CURL *e = h.easy.get();
  const HttpConfig &c = profile.config;
  std::int64_t timeout = c.timeout_ms;
  if (options.timeout_ms > 0) timeout = timeout == 0 ? options.timeout_ms : std::min(timeout, options.timeout_ms);
  std::size_t max_bytes = c.max_response_bytes;
  if (options.max_response_bytes > 0)
    max_bytes = max_bytes == 0 ? options.max_response_bytes : std::min(max_bytes, options.max_response_bytes);

  Response resp;
  Sink sink;
  sink.response = &resp;
  sink.max_bytes = max_bytes;
  sink.cancel = options.cancel;
  sink.has_client_cert = !c.client_cert.empty();

  Slist headers = header_list(req, profile);
  M2MAUTH_SET(e, CURLOPT_URL, req.url.c_str());
  set_method(e, req);
  M2MAUTH_SET(e, CURLOPT_HTTPHEADER, headers.get());
  M2MAUTH_SET(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout));
  M2MAUTH_SET(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
  M2MAUTH_SET(e, CURLOPT_WRITEDATA, static_cast<void *>(&sink));
  M2MAUTH_SET(e, CURLOPT_HEADERDATA, static_cast<void *>(&sink));
  M2MAUTH_SET(e, CURLOPT_XFERINFODATA, static_cast<void *>(&sink));
  M2MAUTH_SET(e, CURLOPT_NOPROGRESS, options.cancel != nullptr ? 0L : 1L);
  h.errbuf[0] = '\0';
  h.client_cert_requested = false;

  CURLcode rc = run(h, sink);
  sink.client_cert_requested = h.client_cert_requested;
  // The list dies with this frame; the handle must not keep pointing at it.
  (void)curl_easy_setopt(e, CURLOPT_HTTPHEADER, static_cast<curl_slist *>(nullptr));
  if (rc != CURLE_OK) throw_transfer_error(rc, sink, h.errbuf, req, max_bytes, timeout);
  if (sink.out_of_memory) throw std::bad_alloc();
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  resp.status = static_cast<int>(status);
  return resp;
}

}  // namespace m2mauth::core::curl
