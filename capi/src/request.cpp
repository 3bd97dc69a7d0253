// C API: request and response values.
#include <cctype>

#include "guard.hpp"
#include "handles.hpp"

using namespace m2mauth;

namespace {

core::Request &req_of(m2mauth_request *r) { return capi::need(r, "req")->req; }
core::Response &resp_of(m2mauth_response *r) { return capi::need(r, "resp")->resp; }

std::string checked_method(const char *method) {
  std::string m(capi::need_text(method, "method"));
  if (m.empty() || m.size() > 16) throw core::Error(core::Errc::invalid_argument, "invalid HTTP method");
  for (auto &c : m) {
    if (!std::isalpha(static_cast<unsigned char>(c))) throw core::Error(core::Errc::invalid_argument, "invalid HTTP method");
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return m;
}

std::string checked_url(const char *url) {
  std::string u(capi::need_text(url, "url"));
  core::Url::parse(u);
  return u;
}

const char *at_name(const std::vector<core::Header> &h, size_t i) { return i < h.size() ? h[i].first.c_str() : nullptr; }
const char *at_value(const std::vector<core::Header> &h, size_t i) { return i < h.size() ? h[i].second.c_str() : nullptr; }

const uint8_t *bytes_of(const std::string &s, size_t *len) {
  if (len != nullptr) *len = s.size();
  return reinterpret_cast<const uint8_t *>(s.c_str());
}

}  // namespace

extern "C" {

m2mauth_status m2mauth_request_new(m2mauth_request **out, const char *method, const char *url) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto r = std::make_unique<m2mauth_request>();
    r->req.method = checked_method(method);
    r->req.url = checked_url(url);
    *out = r.release();
  });
}

void m2mauth_request_free(m2mauth_request *req) { delete req; }

m2mauth_status m2mauth_request_set_url(m2mauth_request *req, const char *url) {
  return capi::guard([&] { req_of(req).url = checked_url(url); });
}

m2mauth_status m2mauth_request_set_header(m2mauth_request *req, const char *name, const char *value) {
  return capi::guard([&] { req_of(req).set_header(capi::need_text(name, "name"), std::string(capi::need_text(value, "value"))); });
}

m2mauth_status m2mauth_request_add_header(m2mauth_request *req, const char *name, const char *value) {
  return capi::guard([&] {
    req_of(req).add_header(std::string(capi::need_text(name, "name")), std::string(capi::need_text(value, "value")));
  });
}

m2mauth_status m2mauth_request_remove_header(m2mauth_request *req, const char *name) {
  return capi::guard([&] {
    if (!req_of(req).remove_header(capi::need_text(name, "name")))
      throw core::Error(core::Errc::not_found, "no such header");
  });
}

m2mauth_status m2mauth_request_set_body(m2mauth_request *req, const uint8_t *body, size_t len) {
  return capi::guard([&] { req_of(req).body = std::string(capi::need_bytes(body, len, "body")); });
}

const char *m2mauth_request_method(const m2mauth_request *req) { return req == nullptr ? "" : req->req.method.c_str(); }
const char *m2mauth_request_url(const m2mauth_request *req) { return req == nullptr ? "" : req->req.url.c_str(); }

const char *m2mauth_request_header(const m2mauth_request *req, const char *name) {
  if (req == nullptr || name == nullptr) return nullptr;
  const std::string *v = req->req.header(name);
  return v == nullptr ? nullptr : v->c_str();
}

size_t m2mauth_request_header_count(const m2mauth_request *req) { return req == nullptr ? 0 : req->req.headers.size(); }
const char *m2mauth_request_header_name(const m2mauth_request *req, size_t index) {
  return req == nullptr ? nullptr : at_name(req->req.headers, index);
}
const char *m2mauth_request_header_value(const m2mauth_request *req, size_t index) {
  return req == nullptr ? nullptr : at_value(req->req.headers, index);
}
const uint8_t *m2mauth_request_body(const m2mauth_request *req, size_t *len) {
  static const std::string empty;
  return bytes_of(req == nullptr ? empty : req->req.body, len);
}

m2mauth_status m2mauth_response_new(m2mauth_response **out, int status) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    if (status < 100 || status > 999) throw core::Error(core::Errc::invalid_argument, "HTTP status must be 100 to 999");
    auto r = std::make_unique<m2mauth_response>();
    r->resp.status = status;
    *out = r.release();
  });
}

void m2mauth_response_free(m2mauth_response *resp) { delete resp; }

m2mauth_status m2mauth_response_add_header(m2mauth_response *resp, const char *name, const char *value) {
  return capi::guard([&] {
    resp_of(resp).headers.emplace_back(std::string(capi::need_text(name, "name")), std::string(capi::need_text(value, "value")));
  });
}

m2mauth_status m2mauth_response_set_body(m2mauth_response *resp, const uint8_t *body, size_t len) {
  return capi::guard([&] { resp_of(resp).body = std::string(capi::need_bytes(body, len, "body")); });
}

int m2mauth_response_status(const m2mauth_response *resp) { return resp == nullptr ? 0 : resp->resp.status; }

const char *m2mauth_response_header(const m2mauth_response *resp, const char *name) {
  if (resp == nullptr || name == nullptr) return nullptr;
  const std::string *v = resp->resp.header(name);
  return v == nullptr ? nullptr : v->c_str();
}

size_t m2mauth_response_header_count(const m2mauth_response *resp) { return resp == nullptr ? 0 : resp->resp.headers.size(); }
const char *m2mauth_response_header_name(const m2mauth_response *resp, size_t index) {
  return resp == nullptr ? nullptr : at_name(resp->resp.headers, index);
}
const char *m2mauth_response_header_value(const m2mauth_response *resp, size_t index) {
  return resp == nullptr ? nullptr : at_value(resp->resp.headers, index);
}
const uint8_t *m2mauth_response_body(const m2mauth_response *resp, size_t *len) {
  static const std::string empty;
  return bytes_of(resp == nullptr ? empty : resp->resp.body, len);
}

}  // extern "C"
