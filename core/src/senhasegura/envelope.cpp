// senhasegura A2A: the bilingual response envelope and error classification; secret-wiping JSON.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/peer_numbers.hpp"
#include "m2mauth/core/peer_text.hpp"
#include "senhasegura/senhasegura_impl.hpp"

namespace m2mauth::core {

namespace {

bool transient_status(int status) { return status >= 500 || status == 429 || status == 408; }

bool truthy(const cJSON *v) {
  if (v == nullptr) return false;
  if (cJSON_IsBool(v)) return cJSON_IsTrue(v);
  if (cJSON_IsNumber(v)) return v->valuedouble != 0.0;
  if (cJSON_IsString(v)) return std::strcmp(v->valuestring, "true") == 0 || std::strcmp(v->valuestring, "1") == 0;
  return false;
}

// A vendor error code: a JSON integer or a string of decimal digits, 0 to 999999999; anything else
// (a fraction, a sign, "0x10", spaces) is no code (0).
std::int64_t code_of(const cJSON *v) {
  constexpr std::uint64_t kMaxCode = 999999999;
  if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= static_cast<double>(kMaxCode) &&
      v->valuedouble == std::floor(v->valuedouble))
    return static_cast<std::int64_t>(v->valuedouble);
  if (cJSON_IsString(v)) return static_cast<std::int64_t>(parse_decimal(v->valuestring, kMaxCode).value_or(0));
  return 0;
}

const cJSON *object_member(const cJSON *doc, const char *name) {
  const cJSON *v = json_get(doc, name);
  return cJSON_IsObject(v) ? v : nullptr;
}

const char *text_member(const cJSON *obj, const char *name) {
  const cJSON *v = obj != nullptr ? json_get(obj, name) : nullptr;
  return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : nullptr;
}

std::string status_text(int status, std::int64_t vendor_code) {
  std::string s = "(HTTP " + std::to_string(status);
  if (vendor_code != 0) s += ", vendor code " + std::to_string(vendor_code);
  return s + ")";
}

}  // namespace

void json_wipe_strings(cJSON *item) noexcept {
  for (; item != nullptr; item = item->next) {
    if (item->valuestring != nullptr) secure_wipe(item->valuestring, std::strlen(item->valuestring));
    if (item->child != nullptr) json_wipe_strings(item->child);
  }
}

void WipingJsonDeleter::operator()(cJSON *item) const noexcept {
  if (item == nullptr) return;
  if (item->valuestring != nullptr) secure_wipe(item->valuestring, std::strlen(item->valuestring));
  json_wipe_strings(item->child);
  cJSON_Delete(item);
}

SecretJson a2a_parse_response(const Response &r, const A2AContext &ctx) {
  const std::string where = "senhasegura A2A " + ctx.method + " " + ctx.path;
  const std::int64_t now = ctx.clock ? ctx.clock() : system_now_ms();
  ErrorDetail d;
  d.http_status = r.status;
  d.transient = transient_status(r.status);
  d.retry_after_ms = retry_after_ms(r, now);
  if (r.status >= 300 && r.status < 400)
    throw Error(Errc::http, where + " answered with a redirect (HTTP " + std::to_string(r.status) + "), which is not followed", d);

  SecretJson doc;
  try {
    doc.reset(json_parse(r.body, "A2A response").release());
  } catch (const Error &) {
    doc.reset();
  }
  const bool ok_status = r.status >= 200 && r.status < 300;
  if (!doc || !cJSON_IsObject(doc.get())) {
    if (ok_status) {
      d.transient = false;
      throw Error(Errc::protocol, where + " answered HTTP " + std::to_string(r.status) + " with a body that is not a JSON object", d);
    }
    throw Error(Errc::http, where + " answered HTTP " + std::to_string(r.status) + " without the A2A response envelope", d);
  }
  const cJSON *envelope = object_member(doc.get(), "response");
  const cJSON *exception = object_member(doc.get(), "exception");
  const bool flagged = envelope != nullptr && (truthy(json_get(envelope, "error")) || truthy(json_get(envelope, "erro")));
  if (ok_status && !flagged) return doc;

  if (envelope == nullptr && exception == nullptr)
    throw Error(Errc::http, where + " answered HTTP " + std::to_string(r.status) + " without the A2A response envelope", d);

  std::int64_t vendor = exception != nullptr ? code_of(json_get(exception, "code")) : 0;
  if (vendor == 0 && envelope != nullptr) vendor = code_of(json_get(envelope, "error_code"));
  if (vendor == 0 && envelope != nullptr) vendor = code_of(json_get(envelope, "cod_erro"));
  d.vendor_code = vendor;
  const char *text = text_member(exception, "message");
  if (text == nullptr) text = text_member(envelope, "message");
  if (text == nullptr) text = text_member(envelope, "mensagem");
  if (text == nullptr) text = text_member(exception, "detail");
  std::string message = text != nullptr ? sanitize_peer_text(text, ctx.secrets) : std::string("error without a message");

  if (r.status == 401) {
    d.transient = false;
    throw Error(Errc::unauthorized, where + " refused the credentials: " + message + " " + status_text(r.status, vendor), d);
  }
  std::string hint;
  if (r.status == 403)
    hint = "; with certificate validation on, check that the client certificate's fingerprint is registered for the authorization";
  throw Error(Errc::vendor, where + " failed: " + message + " " + status_text(r.status, vendor) + hint, d);
}

namespace a2a {

SecretString &last_api_credential() {
  thread_local SecretString credential;
  return credential;
}

Response TokenTransport::send(const Request &req, const CallOptions &options) {
  if (req.url != token_url_) {
    const std::string *auth = req.header("Authorization");
    std::string_view value = auth != nullptr ? std::string_view(*auth) : std::string_view();
    last_api_credential() = SecretString(std::string(value.substr(std::min(value.find(' ') + 1, value.size()))));
  }
  Response resp = inner_->send(req, options);
  if (resp.status < 400 || req.url != token_url_) return resp;
  Json body;
  try {
    body = json_parse_object(resp.body, "token response");
  } catch (const Error &) {
    return resp;  // the TokenClient classifies it
  }
  if (cJSON_IsString(json_get(body.get(), "error")) || object_member(body.get(), "response") == nullptr) return resp;
  A2AContext ctx;
  ctx.method = req.method;
  ctx.path = Url::parse(req.url).path;
  for (const SecretString &secret : secrets_) ctx.secrets.emplace_back(secret.reveal());
  ctx.clock = clock_;
  (void)a2a_parse_response(resp, ctx);  // throws: an error status
  return resp;
}

}  // namespace a2a

}  // namespace m2mauth::core
