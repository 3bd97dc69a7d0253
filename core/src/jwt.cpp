// JWT claims, signing and verification.
#include "m2mauth/core/jwt.hpp"

#include <cctype>
#include <cmath>
#include <cstring>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/random.hpp"

namespace m2mauth::core {

// ---- Claims ------------------------------------------------------------------------------------

Claims::Claims() : object_(json_new_object()) {}

Claims::Claims(Json object, Json header) : object_(std::move(object)), header_(std::move(header)) {
  if (!cJSON_IsObject(object_.get())) fail(Errc::invalid_argument, "claims must be a JSON object");
}

Claims Claims::from_json(std::string_view json) { return Claims(json_parse_object(json, "claims")); }

Claims Claims::clone() const {
  return Claims(json_clone(object_.get()), header_ ? json_clone(header_.get()) : nullptr);
}

void Claims::set_string(const char *name, std::string_view value) { json_set_string(object_.get(), name, value); }

void Claims::set_int(const char *name, std::int64_t value) { json_set_int(object_.get(), name, value); }

void Claims::set_bool(const char *name, bool value) {
  json_set(object_.get(), name, Json(cJSON_CreateBool(value)));
}

void Claims::set_json(const char *name, std::string_view json) {
  json_set(object_.get(), name, json_parse(json, "claim value"));
}

void Claims::add_audience(std::string_view audience) {
  if (!utf8_valid(audience)) fail(Errc::invalid_argument, "audience is not valid UTF-8");
  std::string value(audience);
  cJSON *aud = cJSON_GetObjectItemCaseSensitive(object_.get(), "aud");
  if (aud == nullptr) {
    set_string("aud", value);
    return;
  }
  if (cJSON_IsString(aud)) {
    Json array(cJSON_CreateArray());
    if (!array) throw std::bad_alloc();
    cJSON_AddItemToArray(array.get(), cJSON_CreateString(aud->valuestring));
    cJSON_AddItemToArray(array.get(), cJSON_CreateString(value.c_str()));
    json_set(object_.get(), "aud", std::move(array));
    return;
  }
  if (cJSON_IsArray(aud)) {
    cJSON_AddItemToArray(aud, cJSON_CreateString(value.c_str()));
    return;
  }
  fail(Errc::claim, "\"aud\" is neither a string nor an array");
}

void Claims::set_random_jti() { set_string("jti", uuid_v4()); }

bool Claims::remove(const char *name) {
  cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(object_.get(), name);
  if (item == nullptr) return false;
  cJSON_Delete(item);
  return true;
}

bool Claims::has(const char *name) const noexcept { return json_get(object_.get(), name) != nullptr; }

std::string Claims::get_string(const char *name) const {
  const cJSON *item = json_get(object_.get(), name);
  if (item == nullptr) fail(Errc::not_found, std::string("no claim \"") + name + "\"");
  if (!cJSON_IsString(item)) fail(Errc::claim, std::string("claim \"") + name + "\" is not a string");
  return item->valuestring;
}

std::int64_t Claims::get_int(const char *name) const {
  const cJSON *item = json_get(object_.get(), name);
  if (item == nullptr) fail(Errc::not_found, std::string("no claim \"") + name + "\"");
  double d = item->valuedouble;
  if (!cJSON_IsNumber(item) || !std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9.2e18)
    fail(Errc::claim, std::string("claim \"") + name + "\" is not an integer");
  return static_cast<std::int64_t>(d);
}

std::string Claims::get_json(const char *name) const {
  const cJSON *item = json_get(object_.get(), name);
  if (item == nullptr) fail(Errc::not_found, std::string("no claim \"") + name + "\"");
  return json_print(item);
}

std::string Claims::to_json() const { return json_print(object_.get()); }

std::string Claims::header_json() const { return header_ ? json_print(header_.get()) : std::string(); }

// ---- signing -----------------------------------------------------------------------------------

std::string jwt_sign(const Key &key, const Claims &claims, JwsHeader header) {
  if (header.typ == nullptr) header.typ = "JWT";
  return jws_sign(key, claims.to_json(), header);
}

std::string jwt_sign_json(const Key &key, std::string_view claims_json, JwsHeader header) {
  Json object = json_parse_object(claims_json, "claims");
  if (header.typ == nullptr) header.typ = "JWT";
  return jws_sign(key, json_print(object.get()), header);
}

// ---- verification ------------------------------------------------------------------------------

namespace {

std::string normalise_typ(std::string_view typ) {
  std::string t;
  for (char c : typ) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (t.rfind("application/", 0) == 0) t.erase(0, 12);
  return t;
}

double numeric_date(const cJSON *claims, const char *name, bool &present) {
  const cJSON *item = json_get(claims, name);
  present = item != nullptr;
  if (!present) return 0;
  if (!cJSON_IsNumber(item) || !std::isfinite(item->valuedouble))
    fail(Errc::claim, std::string("claim \"") + name + "\" is not a NumericDate");
  return item->valuedouble;
}

void check_string_claim(const cJSON *claims, const char *name, const std::string &want) {
  const cJSON *item = json_get(claims, name);
  if (item == nullptr) fail(Errc::missing_claim, std::string("token has no \"") + name + "\" claim");
  if (!cJSON_IsString(item) || want != item->valuestring)
    fail(Errc::claim, std::string("claim \"") + name + "\" does not have the expected value");
}

}  // namespace

Verifier::Verifier(Key key, std::uint32_t allowed) : allowed_(allowed), clock_(system_clock()) {
  if (allowed == 0 || (allowed & ~alg_all_bits) != 0) fail(Errc::invalid_argument, "invalid algorithm allow-list");
  keys_.push_back(std::move(key));
}

Verifier::Verifier(std::vector<Key> jwks, std::uint32_t allowed)
    : keys_(std::move(jwks)), from_jwks_(true), allowed_(allowed), clock_(system_clock()) {
  if (allowed == 0 || (allowed & ~alg_all_bits) != 0) fail(Errc::invalid_argument, "invalid algorithm allow-list");
  if (keys_.empty()) fail(Errc::key, "JWKS has no usable key");
}

void Verifier::set_typ(std::string typ) { typ_ = normalise_typ(typ); }

void Verifier::set_leeway(std::int64_t seconds) {
  if (seconds < 0 || seconds > 86400) fail(Errc::invalid_argument, "leeway must be 0 to 86400 seconds");
  leeway_ = seconds;
}

void Verifier::set_max_size(std::size_t bytes) {
  if (bytes < 16 || bytes > (16u << 20)) fail(Errc::invalid_argument, "maximum token size must be 16 B to 16 MiB");
  max_size_ = bytes;
}

const Key &Verifier::select_key(const JwsParts &parts) const {
  if (!from_jwks_) return keys_[0];
  auto kid = json_get_string(parts.header.get(), "kid", "JWS header");
  if (!kid) {
    if (keys_.size() == 1) return keys_[0];
    fail(Errc::not_found, "token has no \"kid\" and the JWKS has several keys");
  }
  for (const Key &k : keys_)
    if (k.kid() == *kid) return k;
  fail(Errc::not_found, "no key in the JWKS matches the token's \"kid\"");
}

void Verifier::check_claims(const cJSON *claims) const {
  const double now = static_cast<double>(clock_()) / 1000.0;
  const double leeway = static_cast<double>(leeway_);
  bool present = false;
  double exp = numeric_date(claims, "exp", present);
  if (present && now - leeway >= exp) fail(Errc::expired, "token has expired");
  double nbf = numeric_date(claims, "nbf", present);
  if (present && now + leeway < nbf) fail(Errc::not_yet_valid, "token is not valid yet (nbf)");
  double iat = numeric_date(claims, "iat", present);
  if (present && now + leeway < iat) fail(Errc::iat, "token was issued in the future (iat)");
  if (has_issuer_) check_string_claim(claims, "iss", issuer_);
  if (has_subject_) check_string_claim(claims, "sub", subject_);

  const cJSON *aud = json_get(claims, "aud");
  if (!audiences_.empty()) {
    if (aud == nullptr) fail(Errc::missing_claim, "token has no \"aud\" claim");
    bool match = false;
    auto matches = [&](const cJSON *v) {
      if (!cJSON_IsString(v)) fail(Errc::claim, "\"aud\" holds a value that is not a string");
      for (const auto &want : audiences_)
        if (want == v->valuestring) return true;
      return false;
    };
    if (cJSON_IsArray(aud)) {
      for (const cJSON *v = aud->child; v != nullptr; v = v->next) match = matches(v) || match;
    } else {
      match = matches(aud);
    }
    if (!match) fail(Errc::claim, "token audience does not match");
  } else if (aud != nullptr) {
    // RFC 7519 section 4.1.3: a recipient that does not identify itself with "aud" must reject.
    fail(Errc::claim, "token has an audience but the verifier expects none");
  }
  for (const auto &name : required_)
    if (json_get(claims, name.c_str()) == nullptr)
      fail(Errc::missing_claim, "token lacks the required claim \"" + name + "\"");
}

Claims Verifier::verify(std::string_view token) const {
  JwsParts parts = jws_split(token, max_size_);
  if (!typ_.empty()) {
    auto typ = json_get_string(parts.header.get(), "typ", "JWS header");
    if (!typ || normalise_typ(*typ) != typ_) fail(Errc::claim, "token header \"typ\" does not match");
  }
  jws_verify_parts(select_key(parts), parts, allowed_);
  Json claims = json_parse_object(base64url_decode_string(parts.payload_b64), "JWT claims");
  check_claims(claims.get());
  return Claims(std::move(claims), std::move(parts.header));
}

Claims jwt_decode_unverified(std::string_view token) {
  JwsParts parts = jws_split(token, 16u << 20);
  Json claims = json_parse_object(base64url_decode_string(parts.payload_b64), "JWT claims");
  return Claims(std::move(claims), std::move(parts.header));
}

}  // namespace m2mauth::core
