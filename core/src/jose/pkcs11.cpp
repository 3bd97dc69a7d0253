// PKCS#11 keys through OpenSSL's pkcs11 engine. ENGINE is deprecated in OpenSSL 3, but it is what
// Debian 12 ships for PKCS#11 (libengine-pkcs11-openssl) and what libcurl uses for a TLS key held by
// a token (CURLOPT_SSLENGINE); the pkcs11 provider is not packaged there.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "m2mauth/core/pkcs11.hpp"

#include <openssl/engine.h>
#include <openssl/evp.h>

#include <cctype>
#include <cstdlib>
#include <mutex>

#include "m2mauth/core/error.hpp"
#include "base/ossl.hpp"
#include "base/rfc3986.hpp"

namespace m2mauth::core {

namespace {

bool name_is(std::string_view attr, std::string_view name) {
  if (attr.size() < name.size() + 1 || attr[name.size()] != '=') return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(attr[i])) != name[i]) return false;
  return true;
}

// RFC 7512 percent-decoding of one attribute value (a "%" without two hex digits stays as it is). The
// value may be a PIN: decoded with the core's hex table, in one allocation, leaving no copies behind.
std::string pct_decode(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    int hi = v[i] == '%' && i + 2 < v.size() ? rfc3986::kHexValue[static_cast<unsigned char>(v[i + 1])] : -1;
    int lo = hi >= 0 ? rfc3986::kHexValue[static_cast<unsigned char>(v[i + 2])] : -1;
    if (lo >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

// Splits text at sep into attributes, calling keep(attr) for each: true keeps it in the rebuilt text.
template <typename F>
std::string filter_attrs(std::string_view text, char sep, F &&keep) {
  std::string out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(sep, pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view attr = text.substr(pos, end - pos);
    if (!attr.empty() && keep(attr)) {
      if (!out.empty()) out.push_back(sep);
      out.append(attr);
    }
    pos = end + 1;
  }
  return out;
}

struct EngineState {
  std::mutex lock;
  ENGINE *engine = nullptr;  // one functional reference, kept for the process's life
  std::string module;
};

EngineState &engine_state() {
  static EngineState *state = new EngineState();  // never destroyed: the engine outlives static destructors
  return *state;
}

}  // namespace

bool is_pkcs11_uri(std::string_view text) noexcept {
  static constexpr std::string_view scheme = "pkcs11:";
  if (text.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != scheme[i]) return false;
  return true;
}

Pkcs11Uri parse_pkcs11_uri(std::string_view uri, const char *pin) {
  if (!is_pkcs11_uri(uri)) fail(Errc::invalid_argument, "not a PKCS#11 URI (pkcs11:...)");
  if (uri.size() > 4096) fail(Errc::too_large, "PKCS#11 URI over 4096 bytes");
  for (char ch : uri)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) fail(Errc::invalid_argument, "PKCS#11 URI has control characters");
  Pkcs11Uri out;
  std::string found_pin;
  std::string_view rest = uri.substr(7);
  std::size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  auto take = [&](std::string_view attr) {
    if (name_is(attr, "pin-value")) {
      found_pin = pct_decode(attr.substr(10));
      return false;
    }
    if (name_is(attr, "module-path")) {
      out.module = pct_decode(attr.substr(12));
      return false;
    }
    if (name_is(attr, "pin-source")) fail(Errc::unsupported, "PKCS#11 URI: pin-source is not supported (give the PIN separately)");
    return true;
  };
  std::string new_path = filter_attrs(path, ';', take);
  std::string new_query = filter_attrs(query, '&', take);
  out.engine_uri = "pkcs11:" + new_path + (new_query.empty() ? "" : "?" + new_query);
  if (pin != nullptr) {
    out.pin = SecretString(std::string(pin));
  } else if (!found_pin.empty()) {
    out.pin = SecretString(found_pin);
  } else if (const char *env = std::getenv("M2MAUTH_PKCS11_PIN")) {
    out.pin = SecretString(std::string(env));
  }
  secure_wipe(found_pin);
  if (out.module.empty())
    if (const char *env = std::getenv("M2MAUTH_PKCS11_MODULE")) out.module = env;
  return out;
}

std::string pkcs11_uri_redacted(std::string_view uri) {
  if (!is_pkcs11_uri(uri)) return std::string(uri);
  std::string out(uri);
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t start = out.find_first_of(";?&:", pos);
    if (start == std::string::npos) break;
    std::string_view attr = std::string_view(out).substr(start + 1);
    if (name_is(attr, "pin-value")) {
      std::size_t value = start + 1 + 10;
      std::size_t end = out.find_first_of(";?&", value);
      if (end == std::string::npos) end = out.size();
      out.replace(value, end - value, "<redacted>");
      pos = value + 10;
    } else {
      pos = start + 1;
    }
  }
  return out;
}

void pkcs11_prepare_engine(const Pkcs11Uri &uri) {
  EngineState &s = engine_state();
  std::lock_guard<std::mutex> hold(s.lock);
  if (s.engine == nullptr) {
    ENGINE *e = ENGINE_by_id("pkcs11");
    if (e == nullptr) {
      ossl::clear_errors();
      fail(Errc::unsupported, "the OpenSSL pkcs11 engine is not installed (Debian: libengine-pkcs11-openssl)");
    }
    if (!uri.module.empty() && ENGINE_ctrl_cmd_string(e, "MODULE_PATH", uri.module.c_str(), 0) != 1) {
      ENGINE_free(e);
      ossl::clear_errors();
      fail(Errc::config, "the pkcs11 engine refused the module path");
    }
    if (ENGINE_init(e) != 1) {
      ENGINE_free(e);
      ossl::clear_errors();
      fail(Errc::config, "cannot initialise the PKCS#11 module" + (uri.module.empty() ? std::string() : " " + uri.module));
    }
    ENGINE_free(e);  // the functional reference from ENGINE_init keeps it
    // libcurl finds this configured engine by id; ENGINE_add fails harmlessly when one is listed already.
    ENGINE_add(e);
    ossl::clear_errors();
    s.engine = e;
    s.module = uri.module;
  } else if (!uri.module.empty() && uri.module != s.module) {
    fail(Errc::unsupported, "one PKCS#11 module per process: " + s.module + " is in use");
  }
  if (!uri.pin.reveal().empty() && ENGINE_ctrl_cmd_string(s.engine, "PIN", uri.pin.reveal().c_str(), 0) != 1) {
    ossl::clear_errors();
    fail(Errc::config, "the pkcs11 engine refused the PIN");
  }
}

Key key_from_pkcs11(std::string_view text, const char *pin) {
  Pkcs11Uri uri = parse_pkcs11_uri(text, pin);
  pkcs11_prepare_engine(uri);
  EVP_PKEY *pkey;
  {
    EngineState &s = engine_state();
    std::lock_guard<std::mutex> hold(s.lock);
    pkey = ENGINE_load_private_key(s.engine, uri.engine_uri.c_str(), nullptr, nullptr);
  }
  if (pkey == nullptr) {
    ossl::clear_errors();
    fail(Errc::key, "cannot load the PKCS#11 key " + pkcs11_uri_redacted(uri.engine_uri) +
                        " (no such token or object, or a wrong PIN)");
  }
  ossl::clear_errors();
  Key key = Key::adopt_token_key(pkey);
  ossl::clear_errors();
  return key;
}

}  // namespace m2mauth::core
