// HttpConfig: the ranges of the transport's settings and their rendering for describe().
#include <cctype>
#include <string>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/pkcs11.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/json.hpp"

namespace m2mauth::core {

namespace {

constexpr const char *kRedacted = "<redacted>";

void check_ms(std::int64_t value, const char *field) {
  if (value < 0 || value > kMaxOptionMs)
    fail(Errc::invalid_argument, std::string("HTTP options: ") + field + " must be 0 to " + std::to_string(kMaxOptionMs) +
                                     " ms, not " + std::to_string(value));
}

// NULL for "not set", the text otherwise.
void add_text(cJSON *o, const char *name, const std::string &text) {
  if (text.empty()) json_set(o, name, Json(cJSON_CreateNull()));
  else json_set_string(o, name, text);
}

// A path is shown; PEM text (which may hold a private key) is not.
std::string shown_file_or_pem(const std::string &s) {
  return s.find("-----BEGIN") != std::string::npos ? std::string(kRedacted) : s;
}

// "scheme://user:password@host..." -> "scheme://<redacted>@host...".
std::string shown_proxy(const std::string &url) {
  std::size_t scheme = url.find("://");
  std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::size_t at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + kRedacted + url.substr(at);
}

// "PEM" or "P12" in any case (empty: "PEM") as the transport reads it; anything else as given.
std::string shown_cert_type(const std::string &t) {
  std::string upper;
  for (char c : t) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.empty()) return "PEM";
  return upper == "PEM" || upper == "P12" ? upper : t;
}

void add_bool(cJSON *o, const char *name, bool value) { json_set(o, name, Json(cJSON_CreateBool(value ? 1 : 0))); }

}  // namespace

void HttpConfig::validate() const {
  check_ms(connect_timeout_ms, "connect_timeout_ms");
  check_ms(timeout_ms, "timeout_ms");
  if (max_response_bytes > kMaxResponseBytes)
    fail(Errc::invalid_argument, "HTTP options: max_response_bytes must be 0 (no limit) to " +
                                     std::to_string(kMaxResponseBytes) + ", not " + std::to_string(max_response_bytes));
}

std::string HttpConfig::describe() const {
  validate();
  Json o = json_new_object();
  add_bool(o.get(), "insecure_skip_verify", !verify_peer);
  add_text(o.get(), "ca_file", ca_file);
  add_text(o.get(), "ca_dir", ca_dir);
  add_text(o.get(), "client_cert", shown_file_or_pem(client_cert));
  add_text(o.get(), "client_key", pkcs11_uri_redacted(shown_file_or_pem(client_key)));
  add_text(o.get(), "client_key_passphrase", client_key_passphrase.empty() ? std::string() : std::string(kRedacted));
  json_set_string(o.get(), "client_cert_type", shown_cert_type(client_cert_type));
  add_text(o.get(), "proxy", shown_proxy(proxy));
  json_set_int(o.get(), "connect_timeout_ms", connect_timeout_ms);
  json_set_int(o.get(), "timeout_ms", timeout_ms);
  json_set_int(o.get(), "max_response_bytes", static_cast<std::int64_t>(max_response_bytes));
  add_bool(o.get(), "allow_plain_http", allow_plain_http);
  add_text(o.get(), "user_agent", user_agent);
  return json_print(o.get());
}

}  // namespace m2mauth::core
