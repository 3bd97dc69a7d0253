// JSON Web Tokens (RFC 7519): claims, signing, verification with explicit policies.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/freeze.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/key.hpp"

namespace m2mauth::core {

struct JsonMember;  // json_scan.hpp (internal)

// A JSON object of claims. Claims from a verified token keep the payload text and build the cJSON
// tree only when a caller asks for a value, so verification allocates no tree.
class Claims {
 public:
  Claims();
  explicit Claims(Json object, std::string header_json = {});
  // From JSON text that is already validated as an object (UTF-8, syntax, no duplicate names).
  static Claims from_validated_text(std::string text, std::string header_json);
  static Claims from_json(std::string_view json);
  Claims(Claims &&other) noexcept;
  Claims &operator=(Claims &&other) noexcept;
  Claims(const Claims &) = delete;
  Claims &operator=(const Claims &) = delete;
  ~Claims();
  Claims clone() const;

  void set_string(const char *name, std::string_view value);
  void set_int(const char *name, std::int64_t value);
  void set_bool(const char *name, bool value);
  void set_json(const char *name, std::string_view json);
  void add_audience(std::string_view audience);
  void set_random_jti();
  bool remove(const char *name);

  bool has(const char *name) const;
  // Throws not_found / claim.
  std::string get_string(const char *name) const;
  std::int64_t get_int(const char *name) const;
  std::string get_json(const char *name) const;
  std::string to_json() const;
  void append_json(std::string &out) const;
  // "" unless these claims came from a token.
  const std::string &header_json() const noexcept { return header_json_; }

  // The tree (built on first use; safe from several threads).
  const cJSON *object() const;

 private:
  Claims(Json, std::string header_json, int);  // empty, for from_validated_text
  cJSON *mutable_object();

  mutable std::atomic<cJSON *> object_{nullptr};
  std::string text_;  // the JSON text while it still equals the tree (or the tree is not built)
  bool text_valid_ = false;
  std::string header_json_;
};

std::string jwt_sign(const Key &key, const Claims &claims, JwsHeader header);
std::string jwt_sign_json(const Key &key, std::string_view claims_json, JwsHeader header);

class Verifier {
 public:
  Verifier(Key key, std::uint32_t allowed);
  Verifier(std::vector<Key> jwks, std::uint32_t allowed);
  // A verifier over the keys of a JWKS text: public_keys_from_jwks, so a set carrying private members
  // is refused (Errc::key).
  static Verifier from_jwks(std::string_view jwks_json, std::uint32_t allowed);

  void set_issuer(std::string issuer) { issuer_ = std::move(issuer); has_issuer_ = true; }
  void set_subject(std::string subject) { subject_ = std::move(subject); has_subject_ = true; }
  void add_audience(std::string audience) { audiences_.push_back(std::move(audience)); }
  void require_claim(std::string name) { required_.push_back(std::move(name)); }
  void set_typ(std::string typ);
  void set_leeway(std::int64_t seconds);
  void set_max_size(std::size_t bytes);
  void set_clock(Clock clock) { clock_ = std::move(clock); }

  Claims verify(std::string_view token) const;

 private:
  struct HeaderCache;
  const Key &select_key(const JwsHeaderInfo &header) const;
  void check_claims(const std::vector<JsonMember> &claims) const;
  void index_kids();
  // 1 + the index of the first key with this kid, 0 when none.
  std::uint32_t find_kid(std::string_view kid) const noexcept;

  std::vector<Key> keys_;
  bool from_jwks_ = false;
  // The keys of a JWKS by kid, built once with the verifier: an open-addressing table of 1 + key index
  // (0: empty), its size a power of two at least twice the key count, and for each key the 1 + index of
  // the next key with the same kid (0: none), in JWKS order.
  std::vector<std::uint32_t> kid_slots_;
  std::vector<std::uint32_t> kid_next_;
  std::uint32_t allowed_;
  std::string issuer_, subject_, typ_;
  bool has_issuer_ = false, has_subject_ = false;
  std::vector<std::string> audiences_;
  std::vector<std::string> required_;
  std::int64_t leeway_ = 0;
  std::size_t max_size_ = 64 * 1024;
  Clock clock_;
  // Tokens from one issuer share their header bytes: the first few distinct headers whose tokens
  // verified are kept parsed, so later tokens skip decoding and parsing them.
  std::shared_ptr<HeaderCache> header_cache_;
};

// Configures a Verifier, then freezes it: the first verify() (core::FreezeGate, "verifier"). The setters
// are Verifier's, each throwing Error(state) "verifier: <setter> after first use" once frozen.
// Setters and verifier() may be called from any thread.
class VerifierBuilder {
 public:
  explicit VerifierBuilder(Verifier verifier) : verifier_(std::move(verifier)) {}

  void set_issuer(std::string issuer);
  void set_subject(std::string subject);
  void add_audience(std::string audience);
  void require_claim(std::string name);
  void set_typ(std::string typ);
  void set_leeway(std::int64_t seconds);
  void set_max_size(std::size_t bytes);
  void set_clock(Clock clock);  // empty: the system clock

  // The verifier, frozen by the first call (one atomic load afterwards).
  const Verifier &verifier() {
    gate_.freeze([] {});
    return verifier_;
  }
  bool frozen() const noexcept { return gate_.frozen(); }

 private:
  FreezeGate gate_{"verifier"};
  Verifier verifier_;
};

// DANGEROUS: no signature or claim checks.
Claims jwt_decode_unverified(std::string_view token);

}  // namespace m2mauth::core
