// JWT claims, signing and verification.
#include "m2mauth/core/jwt.hpp"

#include <atomic>
#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/random.hpp"
#include "base/json_scan.hpp"

namespace m2mauth::core {

// ---- Claims ------------------------------------------------------------------------------------

Claims::Claims() : object_(json_new_object().release()) {}

Claims::Claims(Json object, std::string header_json) : header_json_(std::move(header_json)) {
  if (!cJSON_IsObject(object.get())) fail(Errc::invalid_argument, "claims must be a JSON object");
  object_.store(object.release(), std::memory_order_relaxed);
}

Claims Claims::from_validated_text(std::string text, std::string header_json) {
  Claims c(Json(nullptr), std::move(header_json), 0);
  c.text_ = std::move(text);
  c.text_valid_ = true;
  return c;
}

Claims::Claims(Json, std::string header_json, int) : header_json_(std::move(header_json)) {}

Claims Claims::from_json(std::string_view json) { return Claims(json_parse_object(json, "claims")); }

Claims::Claims(Claims &&other) noexcept
    : object_(other.object_.exchange(nullptr)),
      text_(std::move(other.text_)),
      text_valid_(other.text_valid_),
      header_json_(std::move(other.header_json_)) {
  other.text_valid_ = false;
}

Claims &Claims::operator=(Claims &&other) noexcept {
  if (this != &other) {
    cJSON_Delete(object_.exchange(other.object_.exchange(nullptr)));
    text_ = std::move(other.text_);
    text_valid_ = other.text_valid_;
    header_json_ = std::move(other.header_json_);
    other.text_valid_ = false;
  }
  return *this;
}

Claims::~Claims() { cJSON_Delete(object_.load()); }

const cJSON *Claims::object() const {
  cJSON *tree = object_.load(std::memory_order_acquire);
  if (tree != nullptr) return tree;
  Json parsed = json_parse_object(text_, "claims");
  cJSON *expected = nullptr;
  if (object_.compare_exchange_strong(expected, parsed.get(), std::memory_order_acq_rel)) return parsed.release();
  return expected;  // another thread built it first; ours is freed
}

cJSON *Claims::mutable_object() {
  cJSON *tree = const_cast<cJSON *>(object());
  text_valid_ = false;
  text_.clear();
  return tree;
}

Claims Claims::clone() const {
  if (text_valid_) return from_validated_text(text_, header_json_);
  return Claims(json_clone(object()), header_json_);
}

void Claims::set_string(const char *name, std::string_view value) { json_set_string(mutable_object(), name, value); }

void Claims::set_int(const char *name, std::int64_t value) { json_set_int(mutable_object(), name, value); }

void Claims::set_bool(const char *name, bool value) {
  json_set(mutable_object(), name, Json(cJSON_CreateBool(value)));
}

void Claims::set_json(const char *name, std::string_view json) {
  json_set(mutable_object(), name, json_parse(json, "claim value"));
}

void Claims::add_audience(std::string_view audience) {
  if (!utf8_valid(audience)) fail(Errc::invalid_argument, "audience is not valid UTF-8");
  std::string value(audience);
  cJSON *object = mutable_object();
  cJSON *aud = cJSON_GetObjectItemCaseSensitive(object, "aud");
  if (aud == nullptr) {
    json_set_string(object, "aud", value);
    return;
  }
  if (cJSON_IsString(aud)) {
    Json array(cJSON_CreateArray());
    if (!array) throw std::bad_alloc();
    cJSON_AddItemToArray(array.get(), cJSON_CreateString(aud->valuestring));
    cJSON_AddItemToArray(array.get(), cJSON_CreateString(value.c_str()));
    json_set(object, "aud", std::move(array));
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
  cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(mutable_object(), name);
  if (item == nullptr) return false;
  cJSON_Delete(item);
  return true;
}

bool Claims::has(const char *name) const { return json_get(object(), name) != nullptr; }

std::string Claims::get_string(const char *name) const {
  const cJSON *item = json_get(object(), name);
  if (item == nullptr) fail(Errc::not_found, std::string("no claim \"") + name + "\"");
  if (!cJSON_IsString(item)) fail(Errc::claim, std::string("claim \"") + name + "\" is not a string");
  return item->valuestring;
}

std::int64_t Claims::get_int(const char *name) const {
  const cJSON *item = json_get(object(), name);
  if (item == nullptr) fail(Errc::not_found, std::string("no claim \"") + name + "\"");
  double d = item->valuedouble;
  if (!cJSON_IsNumber(item) || !std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9.2e18)
    fail(Errc::claim, std::string("claim \"") + name + "\" is not an integer");
  return static_cast<std::int64_t>(d);
}

std::string Claims::get_json(const char *name) const {
  const cJSON *item = json_get(object(), name);
  if (item == nullptr) fail(Errc::not_found, std::string("no claim \"") + name + "\"");
  return json_print(item);
}

void Claims::append_json(std::string &out) const {
  if (text_valid_) out += text_;
  else json_print_append(out, object());
}

std::string Claims::to_json() const {
  std::string out;
  append_json(out);
  return out;
}

// ---- signing -----------------------------------------------------------------------------------

std::string jwt_sign(const Key &key, const Claims &claims, JwsHeader header) {
  if (header.typ == nullptr) header.typ = "JWT";
  thread_local std::string payload;  // keeps its capacity: no allocation per token
  payload.clear();
  claims.append_json(payload);
  std::string token = jws_sign(key, payload, header);
  if (payload.capacity() > 64 * 1024) std::string().swap(payload);
  return token;
}

std::string jwt_sign_json(const Key &key, std::string_view claims_json, JwsHeader header) {
  if (header.typ == nullptr) header.typ = "JWT";
  // Compact text that passes the strict scanner (RFC 8259, UTF-8, no duplicate names: what a verifier
  // accepts) is signed as given, without building a tree: what json.dumps(..., separators=(",", ":"))
  // and most JSON writers produce. Anything else is parsed and written compactly (and refused, if it
  // must be, with the parser's message).
  thread_local std::vector<JsonMember> members;
  bool compact = false;
  if (utf8_valid(claims_json)) {
    try {
      compact = json_scan_object(claims_json, members, "claims");
    } catch (const Error &) {
    }
  }
  if (compact) return jws_sign(key, claims_json, header);
  Json object = json_parse_object(claims_json, "claims");
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

double numeric_date(const JsonMember *m, const char *name, bool &present) {
  present = m != nullptr;
  if (!present) return 0;
  if (m->kind != 'n') fail(Errc::claim, std::string("claim \"") + name + "\" is not a NumericDate");
  double v = json_number(m->value);
  if (!std::isfinite(v)) fail(Errc::claim, std::string("claim \"") + name + "\" is not a NumericDate");
  return v;
}

// The registered claims a verifier checks, found in one pass over the members.
struct Registered {
  const JsonMember *exp = nullptr, *nbf = nullptr, *iat = nullptr, *iss = nullptr, *sub = nullptr, *aud = nullptr;

  explicit Registered(const std::vector<JsonMember> &claims) {
    std::string decoded;
    for (const JsonMember &m : claims) {
      std::string_view name = m.name;
      if (m.name_escaped) {
        decoded = json_member_name(m);
        name = decoded;
      }
      if (name.size() != 3) continue;
      const JsonMember **slot = name == "exp"   ? &exp
                                : name == "nbf" ? &nbf
                                : name == "iat" ? &iat
                                : name == "iss" ? &iss
                                : name == "sub" ? &sub
                                : name == "aud" ? &aud
                                                : nullptr;
      if (slot != nullptr && *slot == nullptr) *slot = &m;  // names are unique (the scanner refuses duplicates)
    }
  }
};

bool string_equals(const JsonMember &m, std::string_view want) {
  std::string_view content = m.value.substr(1, m.value.size() - 2);
  if (content.find('\\') == std::string_view::npos) return content == want;
  return json_unescape(m.value) == want;
}

void check_string_claim(const JsonMember *m, const char *name, const std::string &want) {
  if (m == nullptr) fail(Errc::missing_claim, std::string("token has no \"") + name + "\" claim");
  if (m->kind != 's' || !string_equals(*m, want))
    fail(Errc::claim, std::string("claim \"") + name + "\" does not have the expected value");
}

}  // namespace

struct Verifier::HeaderCache {
  static constexpr int kSlots = 4;
  struct Entry {
    std::string header_b64;
    JwsHeaderInfo info;
  };
  std::atomic<const Entry *> slots[kSlots] = {};

  ~HeaderCache() {
    for (auto &slot : slots) delete slot.load(std::memory_order_acquire);
  }
  const JwsHeaderInfo *find(std::string_view header_b64) const noexcept {
    for (const auto &slot : slots) {
      const Entry *e = slot.load(std::memory_order_acquire);
      if (e == nullptr) return nullptr;  // slots fill in order
      if (e->header_b64 == header_b64) return &e->info;
    }
    return nullptr;
  }
  // Entries are never replaced, so a reader never sees one freed.
  void add(std::string_view header_b64, const JwsHeaderInfo &info) {
    if (header_b64.size() > 1024) return;
    for (auto &slot : slots) {
      if (slot.load(std::memory_order_acquire) != nullptr) continue;
      auto entry = std::make_unique<Entry>(Entry{std::string(header_b64), info});
      const Entry *expected = nullptr;
      if (slot.compare_exchange_strong(expected, entry.get(), std::memory_order_acq_rel)) {
        entry.release();
        return;
      }
    }
  }
};

Verifier::Verifier(Key key, std::uint32_t allowed)
    : allowed_(allowed), clock_(system_clock()), header_cache_(std::make_shared<HeaderCache>()) {
  if (allowed == 0 || (allowed & ~alg_all_bits) != 0) fail(Errc::invalid_argument, "invalid algorithm allow-list");
  keys_.push_back(std::move(key));
}

Verifier::Verifier(std::vector<Key> jwks, std::uint32_t allowed)
    : keys_(std::move(jwks)), from_jwks_(true), allowed_(allowed), clock_(system_clock()),
      header_cache_(std::make_shared<HeaderCache>()) {
  if (allowed == 0 || (allowed & ~alg_all_bits) != 0) fail(Errc::invalid_argument, "invalid algorithm allow-list");
  if (keys_.empty()) fail(Errc::key, "JWKS has no usable key");
  index_kids();
}

void Verifier::index_kids() {
  if (keys_.size() >= (1u << 30)) fail(Errc::too_large, "JWKS has too many keys");
  std::size_t size = 4;
  while (size < 2 * keys_.size()) size *= 2;
  kid_slots_.assign(size, 0);
  kid_next_.assign(keys_.size(), 0);
  std::vector<std::uint32_t> last(keys_.size(), 0);  // per chain head: 1 + the index of its last key
  const std::size_t mask = size - 1;
  for (std::uint32_t i = 0; i < keys_.size(); ++i) {
    std::string_view kid = keys_[i].kid();
    std::size_t h = std::hash<std::string_view>{}(kid) & mask;
    while (kid_slots_[h] != 0 && keys_[kid_slots_[h] - 1].kid() != kid) h = (h + 1) & mask;
    std::uint32_t &slot = kid_slots_[h];
    if (slot == 0) {
      slot = i + 1;
      last[i] = i + 1;
    } else {
      kid_next_[last[slot - 1] - 1] = i + 1;
      last[slot - 1] = i + 1;
    }
  }
}

std::uint32_t Verifier::find_kid(std::string_view kid) const noexcept {
  const std::size_t mask = kid_slots_.size() - 1;
  for (std::size_t h = std::hash<std::string_view>{}(kid) & mask;; h = (h + 1) & mask) {
    std::uint32_t slot = kid_slots_[h];
    if (slot == 0 || keys_[slot - 1].kid() == kid) return slot;
  }
}

Verifier Verifier::from_jwks(std::string_view jwks_json, std::uint32_t allowed) {
  return Verifier(public_keys_from_jwks(jwks_json), allowed);
}

void Verifier::set_typ(std::string typ) { typ_ = normalise_typ(typ); }

void VerifierBuilder::set_issuer(std::string issuer) {
  gate_.configure("set_issuer", [&] { verifier_.set_issuer(std::move(issuer)); });
}
void VerifierBuilder::set_subject(std::string subject) {
  gate_.configure("set_subject", [&] { verifier_.set_subject(std::move(subject)); });
}
void VerifierBuilder::add_audience(std::string audience) {
  gate_.configure("add_audience", [&] { verifier_.add_audience(std::move(audience)); });
}
void VerifierBuilder::require_claim(std::string name) {
  gate_.configure("require_claim", [&] { verifier_.require_claim(std::move(name)); });
}
void VerifierBuilder::set_typ(std::string typ) {
  gate_.configure("set_typ", [&] { verifier_.set_typ(std::move(typ)); });
}
void VerifierBuilder::set_leeway(std::int64_t seconds) {
  gate_.configure("set_leeway", [&] { verifier_.set_leeway(seconds); });
}
void VerifierBuilder::set_max_size(std::size_t bytes) {
  gate_.configure("set_max_size", [&] { verifier_.set_max_size(bytes); });
}
void VerifierBuilder::set_clock(Clock clock) {
  gate_.configure("set_clock", [&] { verifier_.set_clock(clock ? std::move(clock) : system_clock()); });
}

void Verifier::set_leeway(std::int64_t seconds) {
  if (seconds < 0 || seconds > 86400) fail(Errc::invalid_argument, "leeway must be 0 to 86400 seconds");
  leeway_ = seconds;
}

void Verifier::set_max_size(std::size_t bytes) {
  if (bytes < 16 || bytes > (16u << 20)) fail(Errc::invalid_argument, "maximum token size must be 16 B to 16 MiB");
  max_size_ = bytes;
}

const Key &Verifier::select_key(const JwsHeaderInfo &header) const {
  if (!from_jwks_) return keys_[0];
  if (!header.has_kid) {
    if (keys_.size() == 1) return keys_[0];
    fail(Errc::not_found, "token has no \"kid\" and the JWKS has several keys");
  }
  // RFC 7517 4.5 lets keys of different types share a kid: take the one that fits the token's alg
  // (with none, the first match, whose key-type error the signature check reports).
  std::uint32_t first = find_kid(header.kid);
  if (first == 0) fail(Errc::not_found, "no key in the JWKS matches the token's \"kid\"");
  if (kid_next_[first - 1] == 0) return keys_[first - 1];  // the only match, whether it fits or not
  for (std::uint32_t i = first; i != 0; i = kid_next_[i - 1]) {
    try {
      check_key_for_alg(keys_[i - 1], header.alg, false);
      return keys_[i - 1];
    } catch (const Error &) {
    }
  }
  return keys_[first - 1];
}

void Verifier::check_claims(const std::vector<JsonMember> &claims) const {
  const double now = static_cast<double>(clock_()) / 1000.0;
  const double leeway = static_cast<double>(leeway_);
  const Registered reg(claims);
  bool present = false;
  double exp = numeric_date(reg.exp, "exp", present);
  if (present && now - leeway >= exp) fail(Errc::expired, "token has expired");
  double nbf = numeric_date(reg.nbf, "nbf", present);
  if (present && now + leeway < nbf) fail(Errc::not_yet_valid, "token is not valid yet (nbf)");
  double iat = numeric_date(reg.iat, "iat", present);
  if (present && now + leeway < iat) fail(Errc::iat, "token was issued in the future (iat)");
  if (has_issuer_) check_string_claim(reg.iss, "iss", issuer_);
  if (has_subject_) check_string_claim(reg.sub, "sub", subject_);

  const JsonMember *aud = reg.aud;
  if (!audiences_.empty()) {
    if (aud == nullptr) fail(Errc::missing_claim, "token has no \"aud\" claim");
    auto matches = [&](std::string_view value) {
      for (const auto &want : audiences_)
        if (want == value) return true;
      return false;
    };
    bool match = false;
    if (aud->kind == 's') {
      match = string_equals(*aud, audiences_.size() == 1 ? std::string_view(audiences_[0]) : std::string_view()) ||
              (audiences_.size() > 1 && matches(json_unescape(aud->value)));
    } else if (aud->kind == 'a') {
      Json array = json_parse(aud->value, "\"aud\"");
      for (const cJSON *v = array->child; v != nullptr; v = v->next) {
        if (!cJSON_IsString(v)) fail(Errc::claim, "\"aud\" holds a value that is not a string");
        match = matches(v->valuestring) || match;
      }
    } else {
      fail(Errc::claim, "\"aud\" is neither a string nor an array of strings");
    }
    if (!match) fail(Errc::claim, "token audience does not match");
  } else if (aud != nullptr) {
    // RFC 7519 section 4.1.3: a recipient that does not identify itself with "aud" must reject.
    fail(Errc::claim, "token has an audience but the verifier expects none");
  }
  for (const auto &name : required_)
    if (json_find(claims, name) == nullptr) fail(Errc::missing_claim, "token lacks the required claim \"" + name + "\"");
}

Claims Verifier::verify(std::string_view token) const {
  JwsSegments seg = jws_segments(token, max_size_);
  JwsHeaderInfo parsed;
  const JwsHeaderInfo *header = header_cache_->find(seg.header_b64);
  const bool cached = header != nullptr;
  if (!cached) {
    parsed = jws_parse_header(seg.header_b64);
    header = &parsed;
  }
  if (!typ_.empty() && (!header->has_typ || normalise_typ(header->typ) != typ_))
    fail(Errc::claim, "token header \"typ\" does not match");
  jws_verify_signature(select_key(*header), header->alg, seg, allowed_);
  std::string payload = base64url_decode_string(seg.payload_b64);
  if (!utf8_valid(payload)) fail(Errc::malformed, "JWT claims are not valid UTF-8");
  thread_local std::vector<JsonMember> members;
  json_scan_object(payload, members, "JWT claims");
  check_claims(members);
  members.clear();
  if (!cached) header_cache_->add(seg.header_b64, parsed);
  return Claims::from_validated_text(std::move(payload), header->json);
}

Claims jwt_decode_unverified(std::string_view token) {
  JwsSegments seg = jws_segments(token, 16u << 20);
  JwsHeaderInfo header = jws_parse_header(seg.header_b64);
  Json claims = json_parse_object(base64url_decode_string(seg.payload_b64), "JWT claims");
  return Claims(std::move(claims), std::move(header.json));
}

}  // namespace m2mauth::core
