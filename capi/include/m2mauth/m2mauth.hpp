/*
 * m2mauth.hpp: a header-only C++17 wrapper over the C API of libm2mauth.
 *
 * Everything here calls the public C functions of m2mauth.h and nothing else, so a program (or a
 * language binding) built on it uses, and tests, the shipped shared library. The wrapper adds:
 *   - RAII handle classes (Key, Certificate, Claims, Verifier, Request, Response, Http, TokenClient,
 *     Token, TokenManager, OAuth1Signer, A2AClient, Config), move-only except Claims, which copies
 *     with m2mauth_claims_clone();
 *   - m2mauth::Error, an exception built from m2mauth_error_last() the moment a call fails;
 *   - std::string results (the library's m2mauth_buf is disposed before the function returns), and
 *     m2mauth::Secret for results that are secrets (kept in the library's buffer, which is wiped);
 *   - enums for algorithms, key types, hashes and fingerprint formats, with their names.
 *
 * Thread safety is the C API's: Key, Certificate, Http, Config and a configured Verifier, TokenManager,
 * OAuth1Signer or A2AClient may be shared between threads; Claims, Request and Response may not be
 * written from several threads at once.
 */
#ifndef M2MAUTH_HPP
#define M2MAUTH_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <mutex>

#include "m2mauth.h"

namespace m2mauth {

/* ---- version ----------------------------------------------------------------------------------- */

/** The version of the headers this code was compiled with. */
inline constexpr int compiled_version_number = M2MAUTH_VERSION_NUMBER;

/** The version of the library actually loaded. */
inline int library_version_number() noexcept { return m2mauth_version_number(); }
inline std::string library_version_string() { return m2mauth_version_string(); }
/** The library, OpenSSL and libcurl versions, for diagnostics. */
inline std::string library_version_details() { return m2mauth_version_details(); }
/**
 * True when code compiled with these headers may use the loaded library (m2mauth_version_compatible: while
 * 0.x the minor must match; from 1.0 the major must match and the library must not be older).
 */
inline bool version_compatible() noexcept { return m2mauth_version_compatible(compiled_version_number) != 0; }
/** "MAJOR.MINOR.PATCH" of a version number. */
inline std::string version_text(int number) {
  return std::to_string(number / 10000) + "." + std::to_string(number / 100 % 100) + "." + std::to_string(number % 100);
}

/* ---- errors ------------------------------------------------------------------------------------ */

/** The m2mauth_error_code values. */
enum class Errc : int {
  ok = M2MAUTH_OK,
  error = M2MAUTH_ERROR,
  invalid_argument = M2MAUTH_EINVAL,
  out_of_memory = M2MAUTH_ENOMEM,
  unsupported = M2MAUTH_EUNSUPPORTED,
  too_large = M2MAUTH_ETOOLARGE,
  not_found = M2MAUTH_ENOTFOUND,
  state = M2MAUTH_ESTATE,
  io = M2MAUTH_EIO,
  config = M2MAUTH_ECONFIG,
  key = M2MAUTH_EKEY,
  key_type = M2MAUTH_EKEYTYPE,
  passphrase = M2MAUTH_EPASSPHRASE,
  no_private_key = M2MAUTH_ENOPRIVATE,
  signer = M2MAUTH_ESIGNER,
  malformed = M2MAUTH_EMALFORMED,
  signature = M2MAUTH_ESIGNATURE,
  algorithm = M2MAUTH_EALGORITHM,
  expired = M2MAUTH_EEXPIRED,
  not_yet_valid = M2MAUTH_ENOTYETVALID,
  issued_in_future = M2MAUTH_EIAT,
  claim = M2MAUTH_ECLAIM,
  missing_claim = M2MAUTH_EMISSINGCLAIM,
  network = M2MAUTH_ENETWORK,
  timeout = M2MAUTH_ETIMEOUT,
  tls = M2MAUTH_ETLS,
  insecure = M2MAUTH_EINSECURE,
  http = M2MAUTH_EHTTP,
  oauth = M2MAUTH_EOAUTH,
  protocol = M2MAUTH_EPROTOCOL,
  vendor = M2MAUTH_EVENDOR,
  unauthorized = M2MAUTH_EUNAUTHORIZED,
  cancelled = M2MAUTH_ECANCELLED,
  backoff = M2MAUTH_EBACKOFF
};

/** The static name of a code, e.g. "signature" (m2mauth_error_name). */
inline const char *error_name(int code) noexcept { return m2mauth_error_name(code); }

/** The m2mauth_category values: what kind of failure a code is. */
enum class ErrorCategory : int {
  none = M2MAUTH_CATEGORY_NONE,
  internal = M2MAUTH_CATEGORY_INTERNAL,
  input = M2MAUTH_CATEGORY_INPUT,
  unsupported = M2MAUTH_CATEGORY_UNSUPPORTED,
  not_found = M2MAUTH_CATEGORY_NOT_FOUND,
  state = M2MAUTH_CATEGORY_STATE,
  io = M2MAUTH_CATEGORY_IO,
  config = M2MAUTH_CATEGORY_CONFIG,
  key = M2MAUTH_CATEGORY_KEY,
  verification = M2MAUTH_CATEGORY_VERIFICATION,
  network = M2MAUTH_CATEGORY_NETWORK,
  timeout = M2MAUTH_CATEGORY_TIMEOUT,
  tls = M2MAUTH_CATEGORY_TLS,
  insecure_transport = M2MAUTH_CATEGORY_INSECURE_TRANSPORT,
  http = M2MAUTH_CATEGORY_HTTP,
  protocol = M2MAUTH_CATEGORY_PROTOCOL,
  oauth_refusal = M2MAUTH_CATEGORY_OAUTH_REFUSAL,
  vendor = M2MAUTH_CATEGORY_VENDOR,
  unauthorized = M2MAUTH_CATEGORY_UNAUTHORIZED,
  cancelled = M2MAUTH_CATEGORY_CANCELLED,
  backoff = M2MAUTH_CATEGORY_BACKOFF
};

/** The category of a code (m2mauth_error_category). */
inline ErrorCategory error_category(int code) noexcept { return static_cast<ErrorCategory>(m2mauth_error_category(code)); }
/** The static name of a category, e.g. "verification" (m2mauth_error_category_name). */
inline const char *error_category_name(ErrorCategory category) noexcept {
  return m2mauth_error_category_name(static_cast<int>(category));
}

/**
 * A failed m2mauth call. Carries a copy of the thread's error record taken when the call failed, so it
 * stays valid after later calls. Messages never contain secrets.
 */
class Error : public std::runtime_error {
 public:
  /** An error raised by the wrapper itself (not by the library). */
  Error(int code, const std::string &message)
      : std::runtime_error(message),
        code_(code),
        transient_(m2mauth_error_code_is_transient(code) != 0),
        message_(message) {}

  /** The error for a failed status, from this thread's m2mauth_error_last(). */
  static Error last(int status) { return from_record(status, m2mauth_error_last()); }

  /**
   * The error for a failed status from a given record, e.g. the one a completion callback receives
   * (m2mauth_token_cb, m2mauth_response_cb), which is valid during the callback only.
   */
  static Error from_record(int status, const m2mauth_error *e) {
    if (e == nullptr || e->code != status) {
      // The record belongs to another failure (should not happen): keep the status, not the details.
      return Error(status, std::string("m2mauth call failed: ") + m2mauth_error_name(status));
    }
    Error err(status, e->message != nullptr ? e->message : "");
    err.transient_ = m2mauth_error_is_transient(e) != 0;
    err.http_status_ = e->http_status;
    err.oauth_error_ = e->oauth_error != nullptr ? e->oauth_error : "";
    err.oauth_error_description_ = e->oauth_error_description != nullptr ? e->oauth_error_description : "";
    err.oauth_error_uri_ = e->oauth_error_uri != nullptr ? e->oauth_error_uri : "";
    err.vendor_code_ = e->vendor_code;
    err.retry_after_ms_ = e->retry_after_ms;
    return err;
  }

  /** The m2mauth_error_code (negative). */
  int code() const noexcept { return code_; }
  Errc errc() const noexcept { return static_cast<Errc>(code_); }
  /** The static name of the code, e.g. "expired"; stable, usable for class names in bindings. */
  const char *name() const noexcept { return m2mauth_error_name(code_); }
  /** The code's category, from which bindings derive their exception families. */
  ErrorCategory category() const noexcept { return error_category(code_); }
  const std::string &message() const noexcept { return message_; }
  /** True if retrying later may succeed (m2mauth_error_is_transient: the failure or its code says so). */
  bool transient() const noexcept { return transient_; }
  /** HTTP status of the response that failed, 0 if none. */
  int http_status() const noexcept { return http_status_; }
  /** RFC 6749 section 5.2 members of an OAuth error response, "" if none. */
  const std::string &oauth_error() const noexcept { return oauth_error_; }
  const std::string &oauth_error_description() const noexcept { return oauth_error_description_; }
  const std::string &oauth_error_uri() const noexcept { return oauth_error_uri_; }
  /** A vendor API's own error code, 0 if none. */
  std::int64_t vendor_code() const noexcept { return vendor_code_; }
  /** Milliseconds to wait before retrying, 0 if none. */
  std::int64_t retry_after_ms() const noexcept { return retry_after_ms_; }

 private:
  int code_;
  bool transient_;
  std::string message_;
  int http_status_ = 0;
  std::string oauth_error_, oauth_error_description_, oauth_error_uri_;
  std::int64_t vendor_code_ = 0;
  std::int64_t retry_after_ms_ = 0;
};

/**
 * Throws Error (unsupported), naming both versions, unless code compiled with these headers may use the
 * loaded library (version_compatible()). The wrapper calls it before its first checked call; programs may
 * call it at startup to fail early.
 */
inline void require_compatible_library() {
  if (!version_compatible()) {
    throw Error(M2MAUTH_EUNSUPPORTED, "m2mauth: this program was built for libm2mauth " +
                                          version_text(compiled_version_number) + " but libm2mauth " +
                                          version_text(library_version_number()) +
                                          " is loaded; rebuild it against the installed version");
  }
}

namespace detail {

/** Checks the library version once per process (again after a refusal, which then repeats). */
inline void require_library_once() {
  static const bool compatible = (require_compatible_library(), true);
  (void)compatible;
}

/** Throws the Error for status unless it is M2MAUTH_OK. */
inline void check(m2mauth_status status) {
  require_library_once();
  if (status != M2MAUTH_OK) throw Error::last(status);
}

/** An m2mauth_buf that is disposed (and wiped) when it goes out of scope. */
class Buf {
 public:
  Buf() noexcept = default;
  ~Buf() { m2mauth_buf_dispose(&buf_); }
  Buf(Buf &&other) noexcept : buf_(other.buf_) { other.buf_ = m2mauth_buf M2MAUTH_BUF_INIT; }
  Buf &operator=(Buf &&other) noexcept {
    if (this != &other) {
      m2mauth_buf_dispose(&buf_);
      buf_ = other.buf_;
      other.buf_ = m2mauth_buf M2MAUTH_BUF_INIT;
    }
    return *this;
  }
  Buf(const Buf &) = delete;
  Buf &operator=(const Buf &) = delete;

  m2mauth_buf *out() noexcept { return &buf_; }
  std::string_view view() const noexcept {
    if (buf_.ptr == nullptr) return std::string_view();
    return std::string_view(reinterpret_cast<const char *>(buf_.ptr), buf_.size);
  }
  std::string str() const { return std::string(view()); }

 private:
  m2mauth_buf buf_ = M2MAUTH_BUF_INIT;
};

/** Runs a C call that fills an m2mauth_buf and returns the buffer as a std::string. */
template <typename F>
std::string text(F &&call) {
  Buf buf;
  check(call(buf.out()));
  return buf.str();
}

/**
 * The C string of s for the C API. A string with a NUL inside would reach the library truncated (a
 * token, a name, a passphrase silently shortened), so it is refused.
 */
inline const char *c_str(const std::string &s) {
  if (s.find('\0') != std::string::npos) throw Error(M2MAUTH_EINVAL, "a text argument contains a NUL character");
  return s.c_str();
}

inline const char *c_str(const std::optional<std::string> &s) { return s ? c_str(*s) : nullptr; }

inline const std::uint8_t *bytes(std::string_view s) noexcept {
  return reinterpret_cast<const std::uint8_t *>(s.data());
}

/**
 * A C++ callable as a C callback payload: a heap copy the library releases (free_payload) exactly once,
 * when the callback is replaced or its handle freed. Nothing is kept alive on the C++ side.
 */
template <typename Fn>
struct Callback {
  static void *make(Fn fn) { return new Fn(std::move(fn)); }
  static void release(void *payload) noexcept { delete static_cast<Fn *>(payload); }
  static Fn &of(void *payload) noexcept { return *static_cast<Fn *>(payload); }
};

inline std::int64_t call_clock(void *payload) noexcept {
  return Callback<std::function<std::int64_t()>>::of(payload)();
}

template <typename T, void (*Free)(T *)>
struct Deleter {
  void operator()(T *p) const noexcept { Free(p); }
};

template <typename T, void (*Free)(T *)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

struct SecretAccess;

}  // namespace detail

/**
 * A secret result (private key PEM or JWK) held in the library's buffer, which is wiped when this
 * object is destroyed. view() is valid as long as the object.
 */
class Secret {
 public:
  Secret() noexcept = default;
  std::string_view view() const noexcept { return buf_.view(); }
  std::size_t size() const noexcept { return view().size(); }
  bool empty() const noexcept { return view().empty(); }
  /** A copy in a std::string, which is NOT wiped: prefer view(). */
  std::string str() const { return buf_.str(); }

 private:
  friend class Key;
  friend struct detail::SecretAccess;
  detail::Buf buf_;
};

namespace detail {
/** Lets the wrapper's classes fill a Secret from a C call. */
struct SecretAccess {
  static m2mauth_buf *out(Secret &s) noexcept { return s.buf_.out(); }
};
}  // namespace detail

/* ---- algorithms -------------------------------------------------------------------------------- */

/** JWS algorithms ("none" does not exist here and is always refused). */
enum class Alg : int {
  HS256 = M2MAUTH_ALG_HS256,
  HS384 = M2MAUTH_ALG_HS384,
  HS512 = M2MAUTH_ALG_HS512,
  RS256 = M2MAUTH_ALG_RS256,
  RS384 = M2MAUTH_ALG_RS384,
  RS512 = M2MAUTH_ALG_RS512,
  PS256 = M2MAUTH_ALG_PS256,
  PS384 = M2MAUTH_ALG_PS384,
  PS512 = M2MAUTH_ALG_PS512,
  ES256 = M2MAUTH_ALG_ES256,
  ES384 = M2MAUTH_ALG_ES384,
  ES512 = M2MAUTH_ALG_ES512,
  EdDSA = M2MAUTH_ALG_EDDSA
};

/** Every algorithm, in enum order. */
inline constexpr Alg all_algs[] = {Alg::HS256, Alg::HS384, Alg::HS512, Alg::RS256, Alg::RS384,
                                   Alg::RS512, Alg::PS256, Alg::PS384, Alg::PS512, Alg::ES256,
                                   Alg::ES384, Alg::ES512, Alg::EdDSA};

/** The JOSE name, e.g. "RS256" ("" for a value outside the enum). */
inline const char *alg_name(Alg alg) noexcept { return m2mauth_alg_name(static_cast<int>(alg)); }

/** The algorithm named name; throws Error (algorithm) for an unknown name or "none". */
inline Alg alg_from_name(const std::string &name) {
  int v = 0;
  detail::check(m2mauth_alg_from_name(&v, detail::c_str(name)));
  return static_cast<Alg>(v);
}

/** An allow-list of algorithms (the C API's bit set). */
class AlgSet {
 public:
  constexpr AlgSet() noexcept = default;
  AlgSet(std::initializer_list<Alg> algs) noexcept {
    for (Alg a : algs) add(a);
  }
  static AlgSet from_bits(std::uint32_t bits) noexcept {
    AlgSet s;
    s.bits_ = bits;
    return s;
  }
  /** From names separated by commas or spaces, e.g. "RS256, ES256". */
  static AlgSet parse(const std::string &names) {
    std::uint32_t bits = 0;
    detail::check(m2mauth_alg_set_parse(&bits, detail::c_str(names)));
    return from_bits(bits);
  }

  AlgSet &add(Alg alg) noexcept {
    bits_ |= m2mauth_alg_bit(static_cast<int>(alg));
    return *this;
  }
  bool contains(Alg alg) const noexcept { return (bits_ & m2mauth_alg_bit(static_cast<int>(alg))) != 0; }
  bool empty() const noexcept { return bits_ == 0; }
  std::uint32_t bits() const noexcept { return bits_; }

 private:
  std::uint32_t bits_ = 0;
};

/* ---- keys -------------------------------------------------------------------------------------- */

/** Key families, named as JWK "kty". */
enum class KeyType : int { RSA = M2MAUTH_KEY_RSA, EC = M2MAUTH_KEY_EC, OKP = M2MAUTH_KEY_OKP, oct = M2MAUTH_KEY_OCT };

/** "RSA", "EC", "OKP", "oct" ("" for other values). */
inline const char *key_type_name(KeyType t) noexcept {
  switch (t) {
    case KeyType::RSA: return "RSA";
    case KeyType::EC: return "EC";
    case KeyType::OKP: return "OKP";
    case KeyType::oct: return "oct";
  }
  return "";
}

enum class Hash : int { sha1 = M2MAUTH_HASH_SHA1, sha256 = M2MAUTH_HASH_SHA256 };

enum class FingerprintFormat : int {
  hex_colons = M2MAUTH_FP_HEX_COLONS, /* "AB:CD:...", as openssl x509 -fingerprint prints */
  hex = M2MAUTH_FP_HEX,               /* "abcd..." */
  base64url = M2MAUTH_FP_BASE64URL    /* as the "x5t" / "x5t#S256" headers */
};

/** A key (RSA, EC, Ed25519 or an HMAC secret). Immutable; safe to share between threads. */
class Key {
 public:
  /** Takes ownership of a handle made by the C API. */
  explicit Key(m2mauth_key *adopted) noexcept : h_(adopted) {}

  static Key generate_rsa(unsigned int bits = 2048) {
    return make([&](m2mauth_key **out) { return m2mauth_key_generate_rsa(out, bits); });
  }
  /** curve: "P-256", "P-384" or "P-521". */
  static Key generate_ec(const std::string &curve = "P-256") {
    return make([&](m2mauth_key **out) { return m2mauth_key_generate_ec(out, detail::c_str(curve)); });
  }
  static Key generate_ed25519() { return make([](m2mauth_key **out) { return m2mauth_key_generate_ed25519(out); }); }
  /** A random HMAC secret of len bytes. */
  static Key generate_hmac(std::size_t len = 32) {
    return make([&](m2mauth_key **out) { return m2mauth_key_generate_hmac(out, len); });
  }
  /** An HMAC key from secret bytes (copied). */
  static Key from_secret(std::string_view secret) {
    return make([&](m2mauth_key **out) { return m2mauth_key_from_secret(out, detail::bytes(secret), secret.size()); });
  }
  /** A private key, public key or certificate in PEM; passphrase for encrypted private keys. */
  static Key from_pem(std::string_view pem, const std::optional<std::string> &passphrase = std::nullopt) {
    return make([&](m2mauth_key **out) {
      return m2mauth_key_from_pem(out, detail::bytes(pem), pem.size(), detail::c_str(passphrase));
    });
  }
  static Key from_der(std::string_view der, const std::optional<std::string> &passphrase = std::nullopt) {
    return make([&](m2mauth_key **out) {
      return m2mauth_key_from_der(out, detail::bytes(der), der.size(), detail::c_str(passphrase));
    });
  }
  /** A key from a PEM or DER file. */
  static Key from_file(const std::string &path, const std::optional<std::string> &passphrase = std::nullopt) {
    return make([&](m2mauth_key **out) {
      return m2mauth_key_from_file(out, detail::c_str(path), detail::c_str(passphrase));
    });
  }
  static Key from_jwk(const std::string &jwk_json) {
    return make([&](m2mauth_key **out) { return m2mauth_key_from_jwk(out, detail::c_str(jwk_json)); });
  }
  /** The key with that kid from a JWKS; without kid, the only key of a one-key set. */
  static Key from_jwks(const std::string &jwks_json, const std::optional<std::string> &kid = std::nullopt) {
    return make([&](m2mauth_key **out) {
      return m2mauth_key_from_jwks(out, detail::c_str(jwks_json), detail::c_str(kid));
    });
  }

  /**
   * What a signer key calls (m2mauth_sign_cb): the signature of input with alg ("RS256", "ES256",
   * "EdDSA", "RSA-SHA1", ...) as bytes (ECDSA raw R || S or DER). An exception it throws fails the
   * signing call with Errc::signer and the exception's what() (m2mauth caps and escapes it).
   */
  using SignFunction = std::function<std::string(const std::string &alg, std::string_view input)>;
  /**
   * A key whose private part stays with sign (a KMS, an HSM): m2mauth_key_from_signer. alg 0 leaves it
   * unbound. sign is called by one thread at a time, never inside another call of the same key.
   */
  static Key from_signer(const Key &public_key, SignFunction sign, Alg alg = static_cast<Alg>(0)) {
    auto *held = new SignFunction(std::move(sign));
    return make([&](m2mauth_key **out) {
      return m2mauth_key_from_signer(out, static_cast<int>(alg), public_key.get(), &call_signer, held,
                                     [](void *p) { delete static_cast<SignFunction *>(p); });
    });
  }
  /** A private key in a PKCS#11 token, by RFC 7512 URI (m2mauth_key_from_pkcs11); pin may be empty. */
  static Key from_pkcs11(const std::string &uri, const std::optional<std::string> &pin = std::nullopt) {
    return make([&](m2mauth_key **out) { return m2mauth_key_from_pkcs11(out, detail::c_str(uri), detail::c_str(pin)); });
  }
  /** True for a signer key (from_signer). */
  bool is_signer() const noexcept { return m2mauth_key_is_signer(get()) != 0; }

  /** A new key holding only the public part. */
  Key public_key() const {
    return make([&](m2mauth_key **out) { return m2mauth_key_public(out, get()); });
  }
  /** A new key for the same material with "kid" set. */
  Key with_kid(const std::string &kid) const {
    return make([&](m2mauth_key **out) { return m2mauth_key_with_kid(out, get(), detail::c_str(kid)); });
  }

  KeyType type() const noexcept { return static_cast<KeyType>(m2mauth_key_type_of(get())); }
  const char *kty() const noexcept { return key_type_name(type()); }
  unsigned int bits() const noexcept { return m2mauth_key_bits(get()); }
  /** "P-256", "P-384", "P-521", "Ed25519", or "" for RSA and HMAC keys. */
  std::string curve() const { return m2mauth_key_curve(get()); }
  bool has_private() const noexcept { return m2mauth_key_has_private(get()) != 0; }
  /** The key's "kid", "" if none. */
  std::string kid() const { return m2mauth_key_kid(get()); }
  /** The usual algorithm for this key (RS256, ES256/384/512 by curve, EdDSA, HS256). */
  Alg default_alg() const noexcept { return static_cast<Alg>(m2mauth_alg_default_for(get())); }

  /** PKCS#8 PEM, encrypted when passphrase is given. */
  Secret private_pem(const std::optional<std::string> &passphrase = std::nullopt) const {
    Secret s;
    detail::check(m2mauth_key_private_pem(s.buf_.out(), get(), detail::c_str(passphrase)));
    return s;
  }
  /** The private key as a JWK JSON object. */
  Secret private_jwk() const {
    Secret s;
    detail::check(m2mauth_key_private_jwk(s.buf_.out(), get()));
    return s;
  }
  /** SPKI PEM ("BEGIN PUBLIC KEY"). */
  std::string public_pem() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_key_public_pem(out, get()); });
  }
  std::string public_der() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_key_public_der(out, get()); });
  }
  /** The public JWK; "alg" and "use" are added when given. */
  std::string public_jwk(const std::optional<std::string> &alg = std::nullopt,
                         const std::optional<std::string> &use = std::nullopt) const {
    return detail::text(
        [&](m2mauth_buf *out) { return m2mauth_key_public_jwk(out, get(), detail::c_str(alg), detail::c_str(use)); });
  }
  /** RFC 7638 thumbprint (SHA-256, base64url). */
  std::string thumbprint() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_key_thumbprint(out, get()); });
  }

  const m2mauth_key *get() const noexcept { return h_.get(); }
  /** Gives up ownership of the handle. */
  m2mauth_key *release() noexcept { return h_.release(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  static m2mauth_status call_signer(m2mauth_signature *out, const char *alg, const uint8_t *input, size_t len,
                                    void *payload) noexcept {
    try {
      std::string sig = (*static_cast<SignFunction *>(payload))(
          alg, std::string_view(reinterpret_cast<const char *>(input), len));
      return m2mauth_signature_set(out, reinterpret_cast<const uint8_t *>(sig.data()), sig.size());
    } catch (const std::exception &e) {
      m2mauth_signature_fail(out, e.what());
    } catch (...) {
      m2mauth_signature_fail(out, "unknown exception");
    }
    return M2MAUTH_ERROR;
  }

  template <typename F>
  static Key make(F &&call) {
    m2mauth_key *k = nullptr;
    detail::check(call(&k));
    return Key(k);
  }

  detail::Handle<m2mauth_key, m2mauth_key_free> h_;
};

/** A JWKS {"keys":[...]} of the public JWKs of keys. */
inline std::string jwks(const std::vector<const Key *> &keys) {
  std::vector<const m2mauth_key *> handles;
  handles.reserve(keys.size());
  for (const Key *k : keys) handles.push_back(k != nullptr ? k->get() : nullptr);
  return detail::text([&](m2mauth_buf *out) { return m2mauth_key_jwks(out, handles.data(), handles.size()); });
}

/** An X.509 certificate. Immutable; safe to share between threads. */
class Certificate {
 public:
  explicit Certificate(m2mauth_cert *adopted) noexcept : h_(adopted) {}

  /** The first certificate of PEM text. */
  static Certificate from_pem(std::string_view pem) {
    return make([&](m2mauth_cert **out) { return m2mauth_cert_from_pem(out, detail::bytes(pem), pem.size()); });
  }
  /** A DER-encoded certificate. */
  static Certificate from_der(std::string_view der) {
    return make([&](m2mauth_cert **out) { return m2mauth_cert_from_der(out, detail::bytes(der), der.size()); });
  }
  /** A certificate from a file holding PEM or DER. */
  static Certificate from_file(const std::string &path) {
    return make([&](m2mauth_cert **out) { return m2mauth_cert_from_file(out, detail::c_str(path)); });
  }
  /** A self-signed certificate for key, subject CN=common_name, valid for days. */
  static Certificate self_signed(const Key &key, const std::string &common_name, unsigned int days) {
    return make(
        [&](m2mauth_cert **out) { return m2mauth_cert_self_signed(out, key.get(), detail::c_str(common_name), days); });
  }

  std::string fingerprint(Hash hash = Hash::sha256, FingerprintFormat format = FingerprintFormat::hex_colons) const {
    return detail::text([&](m2mauth_buf *out) {
      return m2mauth_cert_fingerprint(out, get(), static_cast<int>(hash), static_cast<int>(format));
    });
  }
  Key public_key() const {
    m2mauth_key *k = nullptr;
    detail::check(m2mauth_cert_public_key(&k, get()));
    return Key(k);
  }
  std::string der() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_cert_der(out, get()); });
  }
  std::string pem() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_cert_pem(out, get()); });
  }
  /** RFC 2253 subject, e.g. "CN=client,O=Example". */
  std::string subject() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_cert_subject(out, get()); });
  }
  /** notAfter in Unix seconds. */
  std::int64_t not_after() const noexcept { return m2mauth_cert_not_after(get()); }

  const m2mauth_cert *get() const noexcept { return h_.get(); }
  m2mauth_cert *release() noexcept { return h_.release(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  template <typename F>
  static Certificate make(F &&call) {
    m2mauth_cert *c = nullptr;
    detail::check(call(&c));
    return Certificate(c);
  }

  detail::Handle<m2mauth_cert, m2mauth_cert_free> h_;
};

/* ---- JWS --------------------------------------------------------------------------------------- */

/**
 * Protected header options. std::nullopt means the library's default; an empty string omits the
 * member. The certificate, if any, must outlive the call that uses these options.
 */
struct JwsHeader {
  std::optional<Alg> alg;            /* default: the key's default_alg() */
  std::optional<std::string> typ;    /* default: none for JWS, "JWT" for JWT */
  std::optional<std::string> kid;    /* default: the key's kid, if any */
  std::optional<std::string> cty;    /* default: none */
  const Certificate *cert = nullptr; /* for x5t / x5t#S256 / x5c */
  unsigned int cert_members = 0;     /* M2MAUTH_HEADER_X5T | M2MAUTH_HEADER_X5T_S256 | M2MAUTH_HEADER_X5C */
  std::optional<std::string> extra_json; /* a JSON object of more members (may not set "alg") */

  /** The C struct; its pointers refer into this object. */
  m2mauth_jws_header to_c() const {
    m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
    h.alg = alg ? static_cast<int>(*alg) : 0;
    h.typ = detail::c_str(typ);
    h.kid = detail::c_str(kid);
    h.cty = detail::c_str(cty);
    h.cert = cert != nullptr ? cert->get() : nullptr;
    h.cert_members = cert_members;
    h.extra_json = detail::c_str(extra_json);
    return h;
  }
};

/** A JWS split without verification: both parts as decoded bytes. */
struct UnverifiedJws {
  std::string header;  /* JSON text */
  std::string payload; /* bytes */
};

namespace jws {

/** Signs payload as a compact JWS. */
inline std::string sign(const Key &key, std::string_view payload, const JwsHeader &header = {}) {
  m2mauth_jws_header h = header.to_c();
  return detail::text(
      [&](m2mauth_buf *out) { return m2mauth_jws_sign(out, key.get(), detail::bytes(payload), payload.size(), &h); });
}

/** Signs under exactly these protected-header bytes (for known-answer vectors). */
inline std::string sign_protected(const Key &key, std::string_view protected_header, std::string_view payload) {
  return detail::text([&](m2mauth_buf *out) {
    return m2mauth_jws_sign_protected(out, key.get(), detail::bytes(protected_header), protected_header.size(),
                                      detail::bytes(payload), payload.size());
  });
}

/** Verifies a compact JWS with key, accepting only the algorithms in allowed; returns the payload. */
inline std::string verify(const Key &key, const std::string &token, AlgSet allowed) {
  return detail::text(
      [&](m2mauth_buf *out) { return m2mauth_jws_verify(out, key.get(), detail::c_str(token), allowed.bits()); });
}

/** DANGEROUS: splits a compact JWS WITHOUT verifying it. For routing and diagnostics only. */
inline UnverifiedJws decode_unverified(const std::string &token) {
  detail::Buf header, payload;
  detail::check(m2mauth_jws_decode_unverified(header.out(), payload.out(), detail::c_str(token)));
  return UnverifiedJws{header.str(), payload.str()};
}

}  // namespace jws

/* ---- JWT --------------------------------------------------------------------------------------- */

/** A JSON object of claims. Copies are deep. Not safe for concurrent writes. */
class Claims {
 public:
  Claims() {
    m2mauth_claims *c = nullptr;
    detail::check(m2mauth_claims_new(&c));
    h_.reset(c);
  }
  explicit Claims(m2mauth_claims *adopted) noexcept : h_(adopted) {}
  Claims(const Claims &other) : h_(clone_of(other)) {}
  Claims &operator=(const Claims &other) {
    if (this != &other) h_.reset(clone_of(other));
    return *this;
  }
  Claims(Claims &&) noexcept = default;
  Claims &operator=(Claims &&) noexcept = default;

  static Claims from_json(const std::string &json) {
    m2mauth_claims *c = nullptr;
    detail::check(m2mauth_claims_from_json(&c, detail::c_str(json)));
    return Claims(c);
  }

  Claims &set_string(const std::string &name, const std::string &value) {
    detail::check(m2mauth_claims_set_string(get_mut(), detail::c_str(name), detail::c_str(value)));
    return *this;
  }
  Claims &set_int(const std::string &name, std::int64_t value) {
    detail::check(m2mauth_claims_set_int(get_mut(), detail::c_str(name), value));
    return *this;
  }
  Claims &set_bool(const std::string &name, bool value) {
    detail::check(m2mauth_claims_set_bool(get_mut(), detail::c_str(name), value ? 1 : 0));
    return *this;
  }
  /** Sets a claim to any JSON value given as text. */
  Claims &set_json(const std::string &name, const std::string &json) {
    detail::check(m2mauth_claims_set_json(get_mut(), detail::c_str(name), detail::c_str(json)));
    return *this;
  }
  Claims &add_audience(const std::string &audience) {
    detail::check(m2mauth_claims_add_audience(get_mut(), detail::c_str(audience)));
    return *this;
  }
  Claims &set_random_jti() {
    detail::check(m2mauth_claims_set_random_jti(get_mut()));
    return *this;
  }
  /** Removes a claim; false if it was absent. */
  bool remove(const std::string &name) {
    m2mauth_status st = m2mauth_claims_remove(get_mut(), detail::c_str(name));
    if (st == M2MAUTH_ENOTFOUND) return false;
    detail::check(st);
    return true;
  }

  bool has(const std::string &name) const { return m2mauth_claims_has(get(), detail::c_str(name)) != 0; }
  std::string get_string(const std::string &name) const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_claims_get_string(out, get(), detail::c_str(name)); });
  }
  std::int64_t get_int(const std::string &name) const {
    std::int64_t v = 0;
    detail::check(m2mauth_claims_get_int(&v, get(), detail::c_str(name)));
    return v;
  }
  std::string get_json(const std::string &name) const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_claims_get_json(out, get(), detail::c_str(name)); });
  }
  /** All claims as compact JSON. */
  std::string to_json() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_claims_to_json(out, get()); });
  }
  /** The protected header of the verified token these claims came from (not_found otherwise). */
  std::string header_json() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_claims_header_json(out, get()); });
  }

  const m2mauth_claims *get() const noexcept { return h_.get(); }
  m2mauth_claims *get_mut() noexcept { return h_.get(); }
  m2mauth_claims *release() noexcept { return h_.release(); }

 private:
  static m2mauth_claims *clone_of(const Claims &other) {
    m2mauth_claims *c = nullptr;
    detail::check(m2mauth_claims_clone(&c, other.get()));
    return c;
  }

  detail::Handle<m2mauth_claims, m2mauth_claims_free> h_;
};

namespace jwt {

/** Signs claims as a compact JWT (typ "JWT" unless header.typ says otherwise). */
inline std::string sign(const Key &key, const Claims &claims, const JwsHeader &header = {}) {
  m2mauth_jws_header h = header.to_c();
  return detail::text([&](m2mauth_buf *out) { return m2mauth_jwt_sign(out, key.get(), claims.get(), &h); });
}

/** Signs claims given as a JSON object text. */
inline std::string sign_json(const Key &key, const std::string &claims_json, const JwsHeader &header = {}) {
  m2mauth_jws_header h = header.to_c();
  return detail::text(
      [&](m2mauth_buf *out) { return m2mauth_jwt_sign_json(out, key.get(), detail::c_str(claims_json), &h); });
}

/** DANGEROUS: decodes a JWT WITHOUT verifying its signature or claims. Diagnostics only. */
inline Claims decode_unverified(const std::string &token) {
  m2mauth_claims *c = nullptr;
  detail::check(m2mauth_jwt_decode_unverified(&c, detail::c_str(token)));
  return Claims(c);
}

}  // namespace jwt

/**
 * A JWT verifier: configure it, then call verify() from any number of threads (the first verify freezes
 * it; a setter afterwards throws Error, Errc::state, "verifier: <setter> after first use"). Defaults: leeway 0,
 * system clock, 64 KiB maximum; exp, nbf and iat checked when present; iss, sub, aud unchecked until set.
 */
class Verifier {
 public:
  Verifier(const Key &key, AlgSet allowed) {
    m2mauth_verifier *v = nullptr;
    detail::check(m2mauth_verifier_new(&v, key.get(), allowed.bits()));
    h_.reset(v);
  }
  explicit Verifier(m2mauth_verifier *adopted) noexcept : h_(adopted) {}

  /** A verifier choosing the key from a JWKS by the token's "kid". */
  static Verifier from_jwks(const std::string &jwks_json, AlgSet allowed) {
    m2mauth_verifier *v = nullptr;
    detail::check(m2mauth_verifier_from_jwks(&v, detail::c_str(jwks_json), allowed.bits()));
    return Verifier(v);
  }

  Verifier &set_issuer(const std::string &issuer) {
    detail::check(m2mauth_verifier_set_issuer(h_.get(), detail::c_str(issuer)));
    return *this;
  }
  Verifier &set_subject(const std::string &subject) {
    detail::check(m2mauth_verifier_set_subject(h_.get(), detail::c_str(subject)));
    return *this;
  }
  /** Accepts tokens whose "aud" contains audience (call again to accept several). */
  Verifier &add_audience(const std::string &audience) {
    detail::check(m2mauth_verifier_add_audience(h_.get(), detail::c_str(audience)));
    return *this;
  }
  Verifier &require_claim(const std::string &name) {
    detail::check(m2mauth_verifier_require_claim(h_.get(), detail::c_str(name)));
    return *this;
  }
  Verifier &set_typ(const std::string &typ) {
    detail::check(m2mauth_verifier_set_typ(h_.get(), detail::c_str(typ)));
    return *this;
  }
  Verifier &set_leeway(std::int64_t seconds) {
    detail::check(m2mauth_verifier_set_leeway(h_.get(), seconds));
    return *this;
  }
  Verifier &set_max_size(std::size_t bytes) {
    detail::check(m2mauth_verifier_set_max_size(h_.get(), bytes));
    return *this;
  }
  /**
   * The C clock: a callback returning Unix milliseconds (NULL restores the system clock);
   * free_payload releases payload when the clock is replaced or the verifier freed.
   */
  Verifier &set_clock(m2mauth_clock_cb clock, void *payload, m2mauth_free_cb free_payload = nullptr) {
    detail::check(m2mauth_verifier_set_clock(h_.get(), clock, payload, free_payload));
    return *this;
  }
  /** A C++ clock returning Unix milliseconds. It must not throw (std::terminate if it does). */
  Verifier &set_clock(std::function<std::int64_t()> clock) {
    if (!clock) return set_clock(nullptr, nullptr);
    using C = detail::Callback<std::function<std::int64_t()>>;
    return set_clock(&detail::call_clock, C::make(std::move(clock)), &C::release);
  }

  /** Verifies token; returns its claims (header_json() gives its protected header). */
  Claims verify(const std::string &token) const {
    m2mauth_claims *c = nullptr;
    detail::check(m2mauth_verifier_verify(&c, h_.get(), detail::c_str(token)));
    return Claims(c);
  }

  const m2mauth_verifier *get() const noexcept { return h_.get(); }
  m2mauth_verifier *get_mut() noexcept { return h_.get(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  detail::Handle<m2mauth_verifier, m2mauth_verifier_free> h_;
};

/* ---- HTTP request and response values ---------------------------------------------------------- */

/** A header name and value. */
using Header = std::pair<std::string, std::string>;

/** An HTTP request that signers change and transports send. */
class Request {
 public:
  Request(const std::string &method, const std::string &url) {
    m2mauth_request *r = nullptr;
    detail::check(m2mauth_request_new(&r, detail::c_str(method), detail::c_str(url)));
    h_.reset(r);
  }
  explicit Request(m2mauth_request *adopted) noexcept : h_(adopted) {}

  Request &set_url(const std::string &url) {
    detail::check(m2mauth_request_set_url(h_.get(), detail::c_str(url)));
    return *this;
  }
  /** Replaces every header of that name. */
  Request &set_header(const std::string &name, const std::string &value) {
    detail::check(m2mauth_request_set_header(h_.get(), detail::c_str(name), detail::c_str(value)));
    return *this;
  }
  Request &add_header(const std::string &name, const std::string &value) {
    detail::check(m2mauth_request_add_header(h_.get(), detail::c_str(name), detail::c_str(value)));
    return *this;
  }
  /** Removes every header of that name; false if there was none. */
  bool remove_header(const std::string &name) {
    m2mauth_status st = m2mauth_request_remove_header(h_.get(), detail::c_str(name));
    if (st == M2MAUTH_ENOTFOUND) return false;
    detail::check(st);
    return true;
  }
  Request &set_body(std::string_view body) {
    detail::check(m2mauth_request_set_body(h_.get(), detail::bytes(body), body.size()));
    return *this;
  }

  std::string method() const { return m2mauth_request_method(get()); }
  std::string url() const { return m2mauth_request_url(get()); }
  /** The first value of a header. */
  std::optional<std::string> header(const std::string &name) const {
    const char *v = m2mauth_request_header(get(), detail::c_str(name));
    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
  }
  std::vector<Header> headers() const {
    std::vector<Header> out;
    std::size_t n = m2mauth_request_header_count(get());
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      out.emplace_back(m2mauth_request_header_name(get(), i), m2mauth_request_header_value(get(), i));
    return out;
  }
  /** The body; valid until the request changes. */
  std::string_view body() const noexcept {
    std::size_t len = 0;
    const std::uint8_t *p = m2mauth_request_body(get(), &len);
    return std::string_view(reinterpret_cast<const char *>(p), len);
  }

  const m2mauth_request *get() const noexcept { return h_.get(); }
  m2mauth_request *get_mut() noexcept { return h_.get(); }

 private:
  detail::Handle<m2mauth_request, m2mauth_request_free> h_;
};

/** An HTTP response, as a transport produces it. */
class Response {
 public:
  explicit Response(int status) {
    m2mauth_response *r = nullptr;
    detail::check(m2mauth_response_new(&r, status));
    h_.reset(r);
  }
  explicit Response(m2mauth_response *adopted) noexcept : h_(adopted) {}

  Response &add_header(const std::string &name, const std::string &value) {
    detail::check(m2mauth_response_add_header(h_.get(), detail::c_str(name), detail::c_str(value)));
    return *this;
  }
  Response &set_body(std::string_view body) {
    detail::check(m2mauth_response_set_body(h_.get(), detail::bytes(body), body.size()));
    return *this;
  }

  int status() const noexcept { return m2mauth_response_status(get()); }
  std::optional<std::string> header(const std::string &name) const {
    const char *v = m2mauth_response_header(get(), detail::c_str(name));
    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
  }
  std::vector<Header> headers() const {
    std::vector<Header> out;
    std::size_t n = m2mauth_response_header_count(get());
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      out.emplace_back(m2mauth_response_header_name(get(), i), m2mauth_response_header_value(get(), i));
    return out;
  }
  std::string_view body() const noexcept {
    std::size_t len = 0;
    const std::uint8_t *p = m2mauth_response_body(get(), &len);
    return std::string_view(reinterpret_cast<const char *>(p), len);
  }

  const m2mauth_response *get() const noexcept { return h_.get(); }
  m2mauth_response *get_mut() noexcept { return h_.get(); }

 private:
  detail::Handle<m2mauth_response, m2mauth_response_free> h_;
};

/* ---- HTTP transport ---------------------------------------------------------------------------- */

/**
 * Transport settings (m2mauth_http_options). A default-constructed HttpOptions holds the library's
 * defaults, read from m2mauth_http_options_init(): system CA store, no client certificate, no proxy,
 * 10 s to connect, 30 s per transfer, 4 MiB per response. Every number means what it says, 0 included
 * (connect_timeout_ms 0: libcurl's own; timeout_ms 0: no limit; max_response_bytes 0: no limit);
 * std::nullopt strings mean the default named.
 */
/**
 * A cancel signal for calls in progress (CallOptions::cancel): cancel() from any thread stops the
 * transfer or wait at once; the call throws Error with Errc::cancelled. Shareable; stays requested.
 */
class Cancel {
 public:
  Cancel() {
    m2mauth_cancel *c = nullptr;
    detail::check(m2mauth_cancel_new(&c));
    h_.reset(c, &m2mauth_cancel_free);
  }
  void cancel() const noexcept { m2mauth_cancel_request(h_.get()); }
  bool requested() const noexcept { return m2mauth_cancel_is_requested(h_.get()) != 0; }
  m2mauth_cancel *get() const noexcept { return h_.get(); }

 private:
  std::shared_ptr<m2mauth_cancel> h_;
};

/** Per-call bounds (0 = none / the handle's own setting) and an optional Cancel. */
struct CallOptions {
  std::int64_t timeout_ms = 0;
  std::int64_t deadline_ms = 0;  // absolute Unix ms by the clock of the handle called
  std::size_t max_response_bytes = 0;
  std::optional<Cancel> cancel;

  m2mauth_call_options to_c() const noexcept {
    m2mauth_call_options o = M2MAUTH_CALL_OPTIONS_INIT;
    o.timeout_ms = timeout_ms;
    o.deadline_ms = deadline_ms;
    o.max_response_bytes = max_response_bytes;
    o.cancel = cancel ? cancel->get() : nullptr;
    return o;
  }
};

struct HttpOptions {
  std::optional<std::string> ca_file;               /* CA bundle (PEM) */
  std::optional<std::string> ca_dir;                /* hashed CA directory */
  std::optional<std::string> client_cert;           /* mTLS: file path or PEM text */
  std::optional<std::string> client_key;            /* mTLS: file path or PEM text (default: in client_cert) */
  std::optional<std::string> client_key_passphrase; /* a secret: kept only for the call that uses it */
  std::optional<std::string> client_cert_type;      /* "PEM" (default) or "P12" */
  std::optional<std::string> proxy;                 /* proxy URL; environment variables are ignored */
  std::optional<std::string> user_agent;            /* default "m2mauth/<version>" */
  std::int64_t connect_timeout_ms;
  std::int64_t timeout_ms;
  std::size_t max_response_bytes;
  bool verify = true;            /* false disables TLS verification (tests only!) */
  bool allow_plain_http = false; /* true allows http:// to hosts that are not loopback (discouraged) */

  HttpOptions() {
    m2mauth_http_options d;
    detail::check(m2mauth_http_options_init(&d, M2MAUTH_HTTP_OPTIONS_VERSION));
    connect_timeout_ms = d.connect_timeout_ms;
    timeout_ms = d.timeout_ms;
    max_response_bytes = d.max_response_bytes;
    verify = d.insecure_skip_verify == 0;
    allow_plain_http = d.allow_plain_http != 0;
  }

  /** The C struct; its pointers refer into this object. */
  m2mauth_http_options to_c() const {
    m2mauth_http_options o;
    detail::check(m2mauth_http_options_init(&o, M2MAUTH_HTTP_OPTIONS_VERSION));
    o.insecure_skip_verify = verify ? 0 : 1;
    o.ca_file = detail::c_str(ca_file);
    o.ca_dir = detail::c_str(ca_dir);
    o.client_cert = detail::c_str(client_cert);
    o.client_key = detail::c_str(client_key);
    o.client_key_passphrase = detail::c_str(client_key_passphrase);
    o.client_cert_type = detail::c_str(client_cert_type);
    o.proxy = detail::c_str(proxy);
    o.user_agent = detail::c_str(user_agent);
    o.connect_timeout_ms = connect_timeout_ms;
    o.timeout_ms = timeout_ms;
    o.max_response_bytes = max_response_bytes;
    o.allow_plain_http = allow_plain_http ? 1 : 0;
    return o;
  }

  /** The effective configuration as JSON (m2mauth_http_options_describe; secrets "<redacted>"). Throws Error. */
  std::string describe() const {
    m2mauth_http_options o = to_c();
    return detail::text([&](m2mauth_buf *out) { return m2mauth_http_options_describe(out, &o); });
  }
};

/**
 * The HTTP transport (libcurl): keeps connections alive, verifies TLS, refuses plain http:// except to
 * loopback, never follows redirects, bounds response sizes. Thread-safe; move-only; add_override only
 * before the first request (Errc::state after it). Token clients and
 * A2A clients made with it keep the underlying transport alive, so it may be destroyed before them.
 */
class Http {
 public:
  explicit Http(const HttpOptions &options = {}) {
    m2mauth_http_options o = options.to_c();
    m2mauth_http *h = nullptr;
    detail::check(m2mauth_http_new(&h, &o));
    h_.reset(h);
  }
  explicit Http(m2mauth_http *adopted) noexcept : h_(adopted) {}

  /**
   * An application's own transport: send(request) returns the response or throws Error (e.g.
   * Errc::network). It may be called from several threads at once. free_payload releases payload
   * once this Http and every object that sends through it are gone.
   */
  static Http custom(m2mauth_transport_cb send, void *payload, m2mauth_free_cb free_payload = nullptr) {
    m2mauth_http *h = nullptr;
    detail::check(m2mauth_http_new_custom(&h, send, payload, free_payload));
    return Http(h);
  }

  /** Uses options instead of this transport's for URLs starting with url_prefix (longest prefix wins). */
  Http &add_override(const std::string &url_prefix, const HttpOptions &options) {
    m2mauth_http_options o = options.to_c();
    detail::check(m2mauth_http_add_override(h_.get(), detail::c_str(url_prefix), &o));
    return *this;
  }

  /** Sends req; returns the response whatever its status. */
  Response send(const Request &req) const {
    m2mauth_response *r = nullptr;
    detail::check(m2mauth_http_send(&r, h_.get(), req.get()));
    return Response(r);
  }
  /** The same, bounded and cancellable by options. */
  Response send(const Request &req, const CallOptions &options) const {
    m2mauth_call_options o = options.to_c();
    m2mauth_response *r = nullptr;
    detail::check(m2mauth_http_send_with(&r, h_.get(), req.get(), &o));
    return Response(r);
  }

  m2mauth_http *get() const noexcept { return h_.get(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  detail::Handle<m2mauth_http, m2mauth_http_free> h_;
};

/* ---- OAuth 2.0 --------------------------------------------------------------------------------- */

/** Client authentication at the token endpoint (m2mauth_client_auth). */
enum class ClientAuth : int {
  client_secret_basic = M2MAUTH_AUTH_CLIENT_SECRET_BASIC,
  client_secret_post = M2MAUTH_AUTH_CLIENT_SECRET_POST,
  client_secret_jwt = M2MAUTH_AUTH_CLIENT_SECRET_JWT,
  private_key_jwt = M2MAUTH_AUTH_PRIVATE_KEY_JWT,
  tls_client_auth = M2MAUTH_AUTH_TLS_CLIENT_AUTH,
  self_signed_tls_client_auth = M2MAUTH_AUTH_SELF_SIGNED_TLS_CLIENT_AUTH,
  none = M2MAUTH_AUTH_NONE
};

/** "client_secret_basic" etc. ("" for a value outside the enum). */
inline const char *client_auth_name(ClientAuth auth) noexcept { return m2mauth_client_auth_name(static_cast<int>(auth)); }
/** The method with that name; throws Error (invalid_argument) for an unknown name. */
inline ClientAuth client_auth_from_name(const std::string &name) {
  int v = 0;
  detail::check(m2mauth_client_auth_from_name(&v, detail::c_str(name)));
  return static_cast<ClientAuth>(v);
}

enum class Grant : int { client_credentials = M2MAUTH_GRANT_CLIENT_CREDENTIALS, jwt_bearer = M2MAUTH_GRANT_JWT_BEARER };

/** An access token (owned copy). The access token is a secret: it is wiped when this object goes. */
class Token {
 public:
  explicit Token(m2mauth_token *adopted) noexcept : h_(adopted) {}

  /** The access token; valid as long as this object. A secret. */
  std::string_view access_token() const noexcept { return m2mauth_token_access_token(get()); }
  /** The token type as the server wrote it ("Bearer", "bearer", ...). */
  std::string_view type() const noexcept { return m2mauth_token_type(get()); }
  /** The granted scope (or the requested one when the server omits it). */
  std::string_view scope() const noexcept { return m2mauth_token_scope(get()); }
  /** Unix time in milliseconds. */
  std::int64_t expires_at_ms() const noexcept { return m2mauth_token_expires_at(get()); }
  std::int64_t issued_at_ms() const noexcept { return m2mauth_token_issued_at(get()); }
  /** RFC 8693: the issued_token_type of an exchanged token; empty for other grants. */
  std::string_view issued_token_type() const noexcept { return m2mauth_token_issued_token_type(get()); }

  const m2mauth_token *get() const noexcept { return h_.get(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  detail::Handle<m2mauth_token, m2mauth_token_free> h_;
};

/** RFC 8693 section 3 token type identifiers. */
namespace token_type {
inline constexpr const char *access_token = M2MAUTH_TOKEN_TYPE_ACCESS_TOKEN;
inline constexpr const char *refresh_token = M2MAUTH_TOKEN_TYPE_REFRESH_TOKEN;
inline constexpr const char *id_token = M2MAUTH_TOKEN_TYPE_ID_TOKEN;
inline constexpr const char *saml1 = M2MAUTH_TOKEN_TYPE_SAML1;
inline constexpr const char *saml2 = M2MAUTH_TOKEN_TYPE_SAML2;
inline constexpr const char *jwt = M2MAUTH_TOKEN_TYPE_JWT;
}  // namespace token_type

/**
 * One RFC 8693 token exchange (m2mauth_token_exchange): the subject token and its type, and the
 * optional actor, requested type, audiences, resources and scope. The tokens are secrets, copied and
 * wiped by the library. Send it with TokenClient::exchange or cache it with TokenManager::exchange.
 */
class TokenExchange {
 public:
  TokenExchange(const std::string &subject_token, const std::string &subject_token_type) {
    m2mauth_token_exchange *x = nullptr;
    detail::check(m2mauth_token_exchange_new(&x, subject_token.c_str(), subject_token_type.c_str()));
    h_.reset(x);
  }
  TokenExchange &set_actor(const std::string &actor_token, const std::string &actor_token_type) {
    detail::check(m2mauth_token_exchange_set_actor(get(), actor_token.c_str(), actor_token_type.c_str()));
    return *this;
  }
  TokenExchange &set_requested_type(const std::string &token_type) {
    detail::check(m2mauth_token_exchange_set_requested_type(get(), token_type.c_str()));
    return *this;
  }
  TokenExchange &add_audience(const std::string &audience) {
    detail::check(m2mauth_token_exchange_add_audience(get(), audience.c_str()));
    return *this;
  }
  TokenExchange &add_resource(const std::string &resource) {
    detail::check(m2mauth_token_exchange_add_resource(get(), resource.c_str()));
    return *this;
  }
  TokenExchange &set_scope(const std::string &scope) {
    detail::check(m2mauth_token_exchange_set_scope(get(), scope.c_str()));
    return *this;
  }
  m2mauth_token_exchange *get() const noexcept { return h_.get(); }

 private:
  detail::Handle<m2mauth_token_exchange, m2mauth_token_exchange_free> h_;
};

/**
 * How client assertions (private_key_jwt, client_secret_jwt) and jwt-bearer grants are signed; the
 * defaults are those of M2MAUTH_ASSERTION_OPTIONS_INIT.
 */
struct AssertionOptions {
  static m2mauth_assertion_options c_defaults() noexcept {
    m2mauth_assertion_options o = M2MAUTH_ASSERTION_OPTIONS_INIT;
    return o;
  }
  std::optional<std::string> audience;  // none: the token endpoint URL
  std::optional<Alg> alg;               // none: the key's default
  std::int64_t lifetime_s = c_defaults().lifetime_s;  // 10 to 3600
  std::optional<std::string> kid;       // none: the key's kid
  bool kid_thumbprint = false;          // the key's RFC 7638 thumbprint as kid
  const Certificate *cert = nullptr;    // x5t / x5t#S256 / x5c source (copied by set_assertion)
  unsigned int cert_members = 0;        // M2MAUTH_HEADER_* bits
};

/**
 * A DPoP proof key (RFC 9449): EC P-256 made fresh by default, or any private EC, Ed25519 or RSA Key.
 * Give it to TokenClient::set_dpop for DPoP-bound tokens, or make proofs for your own requests.
 * Thread-safe; copies share the key and its remembered nonces.
 */
class Dpop {
 public:
  /** A fresh EC P-256 key. */
  Dpop() : h_(make(nullptr, std::nullopt), Free{}) {}
  /** key: a private key; alg: std::nullopt for the key's default (ES256, EdDSA, RS256). */
  explicit Dpop(const Key &key, std::optional<Alg> alg = std::nullopt) : h_(make(key.get(), alg), Free{}) {}
  /** RFC 7638 thumbprint of the public key, base64url (the "jkt" of bound tokens). */
  std::string thumbprint() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_dpop_thumbprint(out, get()); });
  }
  /** The public JWK carried by the proofs. */
  std::string public_jwk() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_dpop_public_jwk(out, get()); });
  }
  /** A proof for one request; access_token adds ath; nonce std::nullopt: the origin's remembered one. */
  std::string proof(const std::string &method, const std::string &url,
                    const std::optional<std::string> &access_token = std::nullopt,
                    const std::optional<std::string> &nonce = std::nullopt) const {
    return detail::text([&](m2mauth_buf *out) {
      return m2mauth_dpop_proof(out, h_.get(), detail::c_str(method), detail::c_str(url), detail::c_str(access_token),
                                detail::c_str(nonce));
    });
  }
  const m2mauth_dpop *get() const noexcept { return h_.get(); }

 private:
  struct Free {
    void operator()(m2mauth_dpop *d) const noexcept { m2mauth_dpop_free(d); }
  };
  static m2mauth_dpop *make(const m2mauth_key *key, std::optional<Alg> alg) {
    m2mauth_dpop_options o = M2MAUTH_DPOP_OPTIONS_INIT;
    o.alg = alg ? static_cast<int>(*alg) : 0;
    m2mauth_dpop *d = nullptr;
    detail::check(m2mauth_dpop_new(&d, key, &o));
    return d;
  }
  std::shared_ptr<m2mauth_dpop> h_;
};

/**
 * A client of one token endpoint: grant, client authentication, secret or key, scope. Configure it
 * with the setters, then fetch() or give it to a TokenManager: that first use freezes it, and a setter
 * afterwards throws Error (Errc::state, "token client: <setter> after first use"). Move-only; the C
 * handle is shared with managers made from it.
 */
class TokenClient {
 public:
  TokenClient(const std::string &token_url, const std::string &client_id, const Http &http) {
    m2mauth_token_client *c = nullptr;
    detail::check(m2mauth_token_client_new(&c, detail::c_str(token_url), detail::c_str(client_id), http.get()));
    h_.reset(c);
  }
  explicit TokenClient(m2mauth_token_client *adopted) noexcept : h_(adopted) {}

  /** A client whose token endpoint is found by RFC 8414 / OpenID Connect discovery from issuer. */
  static TokenClient discover(const std::string &issuer, const std::string &client_id, const Http &http) {
    m2mauth_token_client *c = nullptr;
    detail::check(m2mauth_token_client_discover(&c, detail::c_str(issuer), detail::c_str(client_id), http.get()));
    return TokenClient(c);
  }

  TokenClient &set_auth_method(ClientAuth auth) {
    detail::check(m2mauth_token_client_set_auth_method(get(), static_cast<int>(auth)));
    return *this;
  }
  /** The client secret (copied by the library and wiped there). */
  TokenClient &set_secret(const std::string &secret) {
    detail::check(m2mauth_token_client_set_secret(get(), detail::c_str(secret)));
    return *this;
  }
  /** The private key for private_key_jwt and the jwt-bearer grant (the client keeps a reference). */
  TokenClient &set_private_key(const Key &key) {
    detail::check(m2mauth_token_client_set_private_key(get(), key.get()));
    return *this;
  }
  /** DPoP-bound tokens (RFC 9449): every token request carries a proof of dpop's key (see Dpop). */
  TokenClient &set_dpop(const Dpop &dpop) {
    detail::check(m2mauth_token_client_set_dpop(get(), dpop.get()));
    return *this;
  }
  TokenClient &set_grant(Grant grant) {
    detail::check(m2mauth_token_client_set_grant(get(), static_cast<int>(grant)));
    return *this;
  }
  /** jwt-bearer grant: the assertion's "sub" (default: client_id). */
  TokenClient &set_subject(const std::string &subject) {
    detail::check(m2mauth_token_client_set_subject(get(), detail::c_str(subject)));
    return *this;
  }
  /** Space-separated scopes. */
  TokenClient &set_scope(const std::string &scope) {
    detail::check(m2mauth_token_client_set_scope(get(), detail::c_str(scope)));
    return *this;
  }
  TokenClient &set_audience(const std::string &audience) {
    detail::check(m2mauth_token_client_set_audience(get(), detail::c_str(audience)));
    return *this;
  }
  /** Adds an RFC 8707 "resource" parameter. */
  TokenClient &add_resource(const std::string &resource) {
    detail::check(m2mauth_token_client_add_resource(get(), detail::c_str(resource)));
    return *this;
  }
  /** Adds a parameter sent on every token request. */
  TokenClient &add_param(const std::string &name, const std::string &value) {
    detail::check(m2mauth_token_client_add_param(get(), detail::c_str(name), detail::c_str(value)));
    return *this;
  }
  /** Client assertion settings (see AssertionOptions); replaces all of them. */
  TokenClient &set_assertion(const AssertionOptions &options) {
    m2mauth_assertion_options o = M2MAUTH_ASSERTION_OPTIONS_INIT;
    o.audience = detail::c_str(options.audience);
    o.alg = options.alg ? static_cast<int>(*options.alg) : 0;
    o.lifetime_s = options.lifetime_s;
    o.kid = detail::c_str(options.kid);
    o.kid_thumbprint = options.kid_thumbprint ? 1 : 0;
    o.cert = options.cert != nullptr ? options.cert->get() : nullptr;
    o.cert_members = options.cert_members;
    detail::check(m2mauth_token_client_set_assertion(get(), &o));
    return *this;
  }
  /** expires_in assumed when the server omits it (default 3600 s). */
  TokenClient &set_default_expires_in(std::int64_t seconds) {
    detail::check(m2mauth_token_client_set_default_expires_in(get(), seconds));
    return *this;
  }
  /** The C clock (Unix milliseconds); nullptr restores the system clock. free_payload: see common.h. */
  TokenClient &set_clock(m2mauth_clock_cb clock, void *payload, m2mauth_free_cb free_payload = nullptr) {
    detail::check(m2mauth_token_client_set_clock(get(), clock, payload, free_payload));
    return *this;
  }
  /** A C++ clock returning Unix milliseconds. It must not throw (std::terminate if it does). */
  TokenClient &set_clock(std::function<std::int64_t()> clock) {
    if (!clock) return set_clock(nullptr, nullptr);
    using C = detail::Callback<std::function<std::int64_t()>>;
    return set_clock(&detail::call_clock, C::make(std::move(clock)), &C::release);
  }

  /** One token request, no cache: for scripts and diagnostics. */
  Token fetch() {
    m2mauth_token *t = nullptr;
    detail::check(m2mauth_token_client_fetch(&t, get()));
    return Token(t);
  }
  /** The same, bounded and cancellable by options. */
  Token fetch(const CallOptions &options) {
    m2mauth_call_options o = options.to_c();
    m2mauth_token *t = nullptr;
    detail::check(m2mauth_token_client_fetch_with(&t, get(), &o));
    return Token(t);
  }
  /** One RFC 8693 token exchange with this client's authentication, not cached. */
  Token exchange(const TokenExchange &exchange, const CallOptions &options = {}) {
    m2mauth_call_options o = options.to_c();
    m2mauth_token *t = nullptr;
    detail::check(m2mauth_token_client_exchange(&t, get(), exchange.get(), &o));
    return Token(t);
  }

  m2mauth_token_client *get() const noexcept { return h_.get(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  detail::Handle<m2mauth_token_client, m2mauth_token_client_free> h_;
};

/**
 * Token manager tuning (m2mauth_token_manager_options). A default-constructed TokenManagerOptions holds
 * the library's defaults, read from m2mauth_token_manager_options_init(); every value means what it
 * says, 0 included (jitter_fraction 0: none; wait_timeout_ms 0: no limit; see oauth2.h).
 */
struct TokenManagerOptions {
  double refresh_fraction;            /* (0, 1]; default 0.75 of the lifetime... */
  std::int64_t refresh_margin_ms;     /* ...or 300000 ms before expiry if earlier; 0: by fraction only */
  std::int64_t expiry_skew_ms;        /* default 30000 (at most lifetime/10); 0: until expiry */
  double jitter_fraction;             /* 0 to 0.5; default 0.1; 0: none */
  std::int64_t wait_timeout_ms;       /* default 30000; 0: no limit but the call's own */
  std::int64_t backoff_base_ms;       /* default 1000, at least 1 */
  std::int64_t backoff_max_ms;        /* default 60000, at least backoff_base_ms */
  std::int64_t permanent_backoff_ms;  /* default 30000; 0: ask again at once */
  std::int64_t min_fetch_interval_ms; /* default 1000: token requests for one key at least this far apart; 0: none */
  std::int64_t max_keys;              /* default 64: distinct scope / audience / resource keys, 1 to 1000000 */
  bool background_refresh;            /* default true; false: the first caller to see a due token refreshes it */
  bool report_cache_hits;             /* default false; true: cache_hit events on every read */

  TokenManagerOptions() {
    m2mauth_token_manager_options d;
    detail::check(m2mauth_token_manager_options_init(&d, M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION));
    refresh_fraction = d.refresh_fraction;
    refresh_margin_ms = d.refresh_margin_ms;
    expiry_skew_ms = d.expiry_skew_ms;
    jitter_fraction = d.jitter_fraction;
    wait_timeout_ms = d.wait_timeout_ms;
    backoff_base_ms = d.backoff_base_ms;
    backoff_max_ms = d.backoff_max_ms;
    permanent_backoff_ms = d.permanent_backoff_ms;
    min_fetch_interval_ms = d.min_fetch_interval_ms;
    max_keys = d.max_keys;
    background_refresh = d.caller_refresh == 0;
    report_cache_hits = d.report_cache_hits != 0;
  }

  m2mauth_token_manager_options to_c() const noexcept {
    m2mauth_token_manager_options o = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
    o.refresh_fraction = refresh_fraction;
    o.refresh_margin_ms = refresh_margin_ms;
    o.expiry_skew_ms = expiry_skew_ms;
    o.jitter_fraction = jitter_fraction;
    o.wait_timeout_ms = wait_timeout_ms;
    o.backoff_base_ms = backoff_base_ms;
    o.backoff_max_ms = backoff_max_ms;
    o.permanent_backoff_ms = permanent_backoff_ms;
    o.min_fetch_interval_ms = min_fetch_interval_ms;
    o.max_keys = max_keys;
    o.caller_refresh = background_refresh ? 0 : 1;
    o.report_cache_hits = report_cache_hits ? 1 : 0;
    return o;
  }

  /** The effective configuration as JSON (m2mauth_token_manager_options_describe). Throws Error if out of range. */
  std::string describe() const {
    m2mauth_token_manager_options o = to_c();
    return detail::text([&](m2mauth_buf *out) { return m2mauth_token_manager_options_describe(out, &o); });
  }
};

enum class TokenEventKind : int {
  fetched = M2MAUTH_TOKEN_EVENT_FETCHED,
  refreshed = M2MAUTH_TOKEN_EVENT_REFRESHED,
  failed = M2MAUTH_TOKEN_EVENT_FAILED,
  cache_hit = M2MAUTH_TOKEN_EVENT_CACHE_HIT,
  invalidated = M2MAUTH_TOKEN_EVENT_INVALIDATED
};

/** "fetched", "refreshed", "failed", "cache_hit", "invalidated". */
inline const char *token_event_name(TokenEventKind kind) noexcept { return m2mauth_token_event_name(static_cast<int>(kind)); }

/** A token manager event, never with a secret. The views are valid during the callback only. */
struct TokenEvent {
  TokenEventKind kind;
  std::string_view client_id;
  std::string_view scope;
  std::int64_t expires_at_ms;
  int error_code;  /* for failed: the m2mauth_error_code */
  int http_status;
  bool transient;
  std::int64_t retry_after_ms;
  std::string_view oauth_error;

  static TokenEvent from_c(const m2mauth_token_event &e) noexcept {
    return TokenEvent{static_cast<TokenEventKind>(e.kind), e.client_id, e.scope, e.expires_at_ms, e.error_code,
                      e.http_status, e.transient != 0, e.retry_after_ms, e.oauth_error};
  }
};

/** A cached token as get() returns it: no copy; valid until this thread's next call on the manager. */
struct TokenView {
  std::string_view access_token; /* a secret */
  std::string_view scheme;       /* "Bearer" or "DPoP" */
  std::int64_t expires_at_ms = 0;
  std::string_view scope; /* the granted scope (or the one asked for when the server said none) */

  /** The view of a C m2mauth_token_view (no copy: valid as long as v's pointers are). */
  static TokenView from_c(const m2mauth_token_view &v) noexcept {
    const char *scope = v.version >= 2 && v.scope != nullptr ? v.scope : "";
    return TokenView{std::string_view(v.access_token, v.access_token_len), v.scheme, v.expires_at_ms, scope};
  }
};

/**
 * Caches the token of a TokenClient for any number of threads: lock-free reads, refresh ahead of
 * expiry with one request in flight, backoff on failures, 401 handling in request(). Thread-safe
 * once configured (set_idempotency_header and set_event_callback before sharing it). Move-only.
 */
class TokenManager {
 public:
  using EventCallback = std::function<void(const TokenEvent &)>;

  explicit TokenManager(const TokenClient &client, const TokenManagerOptions &options = {}) {
    m2mauth_token_manager_options o = options.to_c();
    m2mauth_token_manager *m = nullptr;
    detail::check(m2mauth_token_manager_new(&m, client.get(), &o));
    h_.reset(m);
  }
  explicit TokenManager(m2mauth_token_manager *adopted) noexcept : h_(adopted) {}

  /** Adds header `name` with a fresh UUID v4 to every request() lacking it; "" turns it off. */
  TokenManager &set_idempotency_header(const std::string &name) {
    detail::check(m2mauth_token_manager_set_idempotency_header(get(), detail::c_str(name)));
    return *this;
  }

  /**
   * Events from the thread that read, fetched or refreshed (possibly the manager's own thread). The
   * callback must not throw (std::terminate if it does). An empty function removes it. The library
   * releases a replaced callback once no call of it is running.
   */
  TokenManager &set_event_callback(EventCallback cb) {
    if (!cb) return set_event_callback(nullptr, nullptr);
    using C = detail::Callback<EventCallback>;
    return set_event_callback(&call_event, C::make(std::move(cb)), &C::release);
  }
  /** The C callback form; free_payload releases payload when it is replaced or the manager freed. */
  TokenManager &set_event_callback(m2mauth_token_event_cb cb, void *payload, m2mauth_free_cb free_payload = nullptr) {
    detail::check(m2mauth_token_manager_set_event_cb(get(), cb, payload, free_payload));
    return *this;
  }

  /** The current token, fetching or waiting for the one refresh in flight if none is valid. */
  TokenView get_token() {
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    detail::check(m2mauth_token_manager_get(&v, get()));
    return TokenView::from_c(v);
  }
  /** The same, the wait bounded and cancellable by options. */
  TokenView get_token(const CallOptions &options) {
    m2mauth_call_options o = options.to_c();
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    detail::check(m2mauth_token_manager_get_with(&v, get(), &o));
    return TokenView::from_c(v);
  }
  /** The same for another scope / audience / resource. */
  TokenView get_token_for(const std::optional<std::string> &scope, const std::optional<std::string> &audience = std::nullopt,
                          const std::optional<std::string> &resource = std::nullopt) {
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    detail::check(m2mauth_token_manager_get_for(&v, get(), detail::c_str(scope), detail::c_str(audience),
                                                detail::c_str(resource)));
    return TokenView::from_c(v);
  }
  /** The same, the wait bounded and cancellable by options. */
  TokenView get_token_for(const std::optional<std::string> &scope, const std::optional<std::string> &audience,
                          const std::optional<std::string> &resource, const CallOptions &options) {
    m2mauth_call_options o = options.to_c();
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    detail::check(m2mauth_token_manager_get_for_with(&v, get(), detail::c_str(scope), detail::c_str(audience),
                                                     detail::c_str(resource), &o));
    return TokenView::from_c(v);
  }
  /** An owned copy of the current token (with its scope). */
  Token token() {
    m2mauth_token *t = nullptr;
    detail::check(m2mauth_token_manager_token(&t, get()));
    return Token(t);
  }
  /** An RFC 8693 token exchange through the cache (one key per distinct exchange; see token_exchange.h). */
  Token exchange(const TokenExchange &exchange, const CallOptions &options = {}) {
    m2mauth_call_options o = options.to_c();
    m2mauth_token *t = nullptr;
    detail::check(m2mauth_token_manager_exchange(&t, get(), exchange.get(), &o));
    return Token(t);
  }
  /** Drops the cached token if it still equals token (nullopt: whatever is cached). */
  void invalidate(const std::optional<std::string> &token = std::nullopt) {
    detail::check(m2mauth_token_manager_invalidate(get(), detail::c_str(token)));
  }
  /** Sets "Authorization: <scheme> <token>" on req. */
  void authorize(Request &req) { detail::check(m2mauth_token_manager_authorize(get(), req.get_mut())); }
  /** Authorizes and sends req; on 401 invalidates the token and retries once. */
  Response request(const Request &req) {
    m2mauth_response *r = nullptr;
    detail::check(m2mauth_token_manager_request(&r, get(), req.get()));
    return Response(r);
  }
  /** The same, bounded (the wait and the sends) and cancellable by options. */
  Response request(const Request &req, const CallOptions &options) {
    m2mauth_call_options o = options.to_c();
    m2mauth_response *r = nullptr;
    detail::check(m2mauth_token_manager_request_with(&r, get(), req.get(), &o));
    return Response(r);
  }

  /*
   * Completion-callback forms (m2mauth_token_manager_get_async, m2mauth_token_manager_request_async),
   * for event loops: no thread waits per caller. The callback runs exactly once: on the calling thread
   * before the call returns when the outcome is known at once, otherwise on a thread of the manager
   * (with Errc::cancelled from the manager's destruction for calls still pending). It gets exactly one
   * non-null argument, valid during the callback only; it must not throw (std::terminate) nor destroy
   * the manager. If the call cannot start it throws Error and the callback is never called.
   */
  using TokenCallback = std::function<void(const TokenView *token, const Error *error)>;
  /** response: the callee may move it out (Response is move-only). */
  using ResponseCallback = std::function<void(Response *response, const Error *error)>;

  /** get_token(options) with a completion callback. */
  void get_token_async(TokenCallback cb, const CallOptions &options = {}) {
    using C = detail::Callback<TokenCallback>;
    m2mauth_call_options o = options.to_c();
    get_token_async(&call_token, C::make(std::move(cb)), &C::release, &o);
  }
  /** The C callback form (the full m2mauth_token_view); free_payload runs once after the callback. */
  void get_token_async(m2mauth_token_cb cb, void *payload, m2mauth_free_cb free_payload,
                       const m2mauth_call_options *options = nullptr) {
    detail::check(m2mauth_token_manager_get_async(get(), options, cb, payload, free_payload));
  }
  /** get_token_for(scope, audience, resource, options) with a completion callback (m2mauth_token_manager_get_for_async). */
  void get_token_for_async(const std::optional<std::string> &scope, const std::optional<std::string> &audience,
                           const std::optional<std::string> &resource, TokenCallback cb,
                           const CallOptions &options = {}) {
    using C = detail::Callback<TokenCallback>;
    m2mauth_call_options o = options.to_c();
    get_token_for_async(scope, audience, resource, &call_token, C::make(std::move(cb)), &C::release, &o);
  }
  /** The C callback form for another key; free_payload runs once after the callback (or if the call fails). */
  void get_token_for_async(const std::optional<std::string> &scope, const std::optional<std::string> &audience,
                           const std::optional<std::string> &resource, m2mauth_token_cb cb, void *payload,
                           m2mauth_free_cb free_payload, const m2mauth_call_options *options = nullptr) {
    detail::check(m2mauth_token_manager_get_for_async(get(), detail::c_str(scope), detail::c_str(audience),
                                                      detail::c_str(resource), options, cb, payload, free_payload));
  }
  /** request(req, options) with a completion callback (req is copied). */
  void request_async(const Request &req, ResponseCallback cb, const CallOptions &options = {}) {
    using C = detail::Callback<ResponseCallback>;
    m2mauth_call_options o = options.to_c();
    request_async(req, &call_response, C::make(std::move(cb)), &C::release, &o);
  }
  /** The C callback form: the callback owns the m2mauth_response it receives. */
  void request_async(const Request &req, m2mauth_response_cb cb, void *payload, m2mauth_free_cb free_payload,
                     const m2mauth_call_options *options = nullptr) {
    detail::check(m2mauth_token_manager_request_async(get(), req.get(), options, cb, payload, free_payload));
  }

  m2mauth_token_manager *get() const noexcept { return h_.get(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  static void call_event(const m2mauth_token_event *event, void *payload) noexcept {
    detail::Callback<EventCallback>::of(payload)(TokenEvent::from_c(*event));
  }
  static void call_token(m2mauth_status status, const m2mauth_token_view *v, const m2mauth_error *e,
                         void *payload) noexcept {
    TokenCallback &fn = detail::Callback<TokenCallback>::of(payload);
    if (status == M2MAUTH_OK && v != nullptr) {
      const TokenView t = TokenView::from_c(*v);
      fn(&t, nullptr);
    } else {
      const Error err = Error::from_record(status != M2MAUTH_OK ? status : M2MAUTH_ERROR, e);
      fn(nullptr, &err);
    }
  }
  static void call_response(m2mauth_status status, m2mauth_response *r, const m2mauth_error *e,
                            void *payload) noexcept {
    ResponseCallback &fn = detail::Callback<ResponseCallback>::of(payload);
    if (status == M2MAUTH_OK && r != nullptr) {
      Response resp(r);
      fn(&resp, nullptr);
    } else {
      const Error err = Error::from_record(status != M2MAUTH_OK ? status : M2MAUTH_ERROR, e);
      fn(nullptr, &err);
    }
  }

  detail::Handle<m2mauth_token_manager, m2mauth_token_manager_free> h_;
};

/* ---- OAuth 1.0 --------------------------------------------------------------------------------- */

enum class OAuth1Method : int {
  hmac_sha1 = M2MAUTH_OAUTH1_HMAC_SHA1,
  hmac_sha256 = M2MAUTH_OAUTH1_HMAC_SHA256,
  rsa_sha1 = M2MAUTH_OAUTH1_RSA_SHA1,
  rsa_sha256 = M2MAUTH_OAUTH1_RSA_SHA256,
  plaintext = M2MAUTH_OAUTH1_PLAINTEXT
};
enum class OAuth1Placement : int {
  header = M2MAUTH_OAUTH1_IN_HEADER,
  query = M2MAUTH_OAUTH1_IN_QUERY,
  body = M2MAUTH_OAUTH1_IN_BODY
};

/** "HMAC-SHA1", ... ("" for a value outside the enum). */
inline const char *oauth1_method_name(OAuth1Method m) noexcept { return m2mauth_oauth1_method_name(static_cast<int>(m)); }
/** The method named exactly so; throws Error (algorithm) otherwise. */
inline OAuth1Method oauth1_method_from_name(const std::string &name) {
  int v = 0;
  detail::check(m2mauth_oauth1_method_from_name(&v, detail::c_str(name)));
  return static_cast<OAuth1Method>(v);
}

/**
 * An OAuth 1.0 (RFC 5849) request signer. Configure with the setters, then sign() from any number of
 * threads: the first signature freezes it, and a setter afterwards throws Error (Errc::state,
 * "OAuth 1.0 signer: <setter> after first use"). Defaults: HMAC-SHA1, Authorization header,
 * oauth_version="1.0", random nonce, system clock. Secrets are wiped by the library. Move-only.
 */
class OAuth1Signer {
 public:
  explicit OAuth1Signer(const std::string &consumer_key) {
    m2mauth_oauth1 *s = nullptr;
    detail::check(m2mauth_oauth1_new(&s, detail::c_str(consumer_key)));
    h_.reset(s);
  }
  explicit OAuth1Signer(m2mauth_oauth1 *adopted) noexcept : h_(adopted) {}

  OAuth1Signer &set_consumer_secret(const std::optional<std::string> &secret) {
    detail::check(m2mauth_oauth1_set_consumer_secret(get_mut(), detail::c_str(secret)));
    return *this;
  }
  /** oauth_token and its secret; nullopt token for two-legged requests (the secret still keys the HMAC). */
  OAuth1Signer &set_token(const std::optional<std::string> &token, const std::optional<std::string> &secret) {
    detail::check(m2mauth_oauth1_set_token(get_mut(), detail::c_str(token), detail::c_str(secret)));
    return *this;
  }
  OAuth1Signer &set_rsa_key(const Key *key) {
    detail::check(m2mauth_oauth1_set_rsa_key(get_mut(), key != nullptr ? key->get() : nullptr));
    return *this;
  }
  OAuth1Signer &set_method(OAuth1Method method) {
    detail::check(m2mauth_oauth1_set_method(get_mut(), static_cast<int>(method)));
    return *this;
  }
  OAuth1Signer &set_placement(OAuth1Placement placement) {
    detail::check(m2mauth_oauth1_set_placement(get_mut(), static_cast<int>(placement)));
    return *this;
  }
  OAuth1Signer &set_realm(const std::optional<std::string> &realm) {
    detail::check(m2mauth_oauth1_set_realm(get_mut(), detail::c_str(realm)));
    return *this;
  }
  OAuth1Signer &set_include_version(bool include) {
    detail::check(m2mauth_oauth1_set_include_version(get_mut(), include ? 1 : 0));
    return *this;
  }
  OAuth1Signer &set_callback(const std::optional<std::string> &callback) {
    detail::check(m2mauth_oauth1_set_callback(get_mut(), detail::c_str(callback)));
    return *this;
  }
  OAuth1Signer &set_verifier(const std::optional<std::string> &verifier) {
    detail::check(m2mauth_oauth1_set_verifier(get_mut(), detail::c_str(verifier)));
    return *this;
  }
  /** One more oauth_* protocol parameter, signed and sent with the others. */
  OAuth1Signer &add_param(const std::string &name, const std::string &value) {
    detail::check(m2mauth_oauth1_add_param(get_mut(), detail::c_str(name), detail::c_str(value)));
    return *this;
  }
  OAuth1Signer &clear_params() {
    detail::check(m2mauth_oauth1_clear_params(get_mut()));
    return *this;
  }
  /** The C clock (Unix ms) for oauth_timestamp; nullptr restores the system clock. */
  OAuth1Signer &set_clock(m2mauth_clock_cb clock, void *payload, m2mauth_free_cb free_payload = nullptr) {
    detail::check(m2mauth_oauth1_set_clock(get_mut(), clock, payload, free_payload));
    return *this;
  }
  /** Tests: this nonce on every request (nullopt: random nonces again). */
  OAuth1Signer &set_fixed_nonce(const std::optional<std::string> &nonce) {
    detail::check(m2mauth_oauth1_set_fixed_nonce(get_mut(), detail::c_str(nonce)));
    return *this;
  }
  /** Tests: this oauth_timestamp (Unix seconds) on every request; negative: the clock again. */
  OAuth1Signer &set_fixed_timestamp(std::int64_t unix_seconds) {
    detail::check(m2mauth_oauth1_set_fixed_timestamp(get_mut(), unix_seconds));
    return *this;
  }
  /** Signs oauth_body_hash (base64 SHA-1 of the body) for bodies that are not form data, as oauthlib does. */
  OAuth1Signer &set_body_hash(bool on = true) {
    detail::check(m2mauth_oauth1_set_body_hash(get_mut(), on ? 1 : 0));
    return *this;
  }

  /** Signs req in place (Authorization header, query or form body). */
  void sign(Request &req) const { detail::check(m2mauth_oauth1_sign(get(), req.get_mut())); }

  /** The RFC 5849 section 3.4.1.1 signature base string sign() would compute with this nonce and timestamp. */
  std::string base_string(const Request &req, const std::string &nonce, std::int64_t timestamp) const {
    return detail::text([&](m2mauth_buf *out) {
      return m2mauth_oauth1_base_string(out, get(), req.get(), detail::c_str(nonce), timestamp);
    });
  }
  /** oauth_signature before percent-encoding (for PLAINTEXT: the secrets, hence a Secret). */
  Secret signature(const Request &req, const std::string &nonce, std::int64_t timestamp) const {
    Secret s;
    detail::check(
        m2mauth_oauth1_signature(detail::SecretAccess::out(s), get(), req.get(), detail::c_str(nonce), timestamp));
    return s;
  }

  const m2mauth_oauth1 *get() const noexcept { return h_.get(); }
  m2mauth_oauth1 *get_mut() noexcept { return h_.get(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  detail::Handle<m2mauth_oauth1, m2mauth_oauth1_free> h_;
};

/* ---- senhasegura A2A --------------------------------------------------------------------------- */

enum class A2AAuth : int { oauth2 = M2MAUTH_A2A_OAUTH2, oauth1 = M2MAUTH_A2A_OAUTH1, query = M2MAUTH_A2A_QUERY };

/** "oauth2", "oauth1", "query". */
inline const char *a2a_auth_name(A2AAuth a) noexcept { return m2mauth_a2a_auth_name(static_cast<int>(a)); }
inline A2AAuth a2a_auth_from_name(const std::string &name) {
  int v = 0;
  detail::check(m2mauth_a2a_auth_from_name(&v, detail::c_str(name)));
  return static_cast<A2AAuth>(v);
}

/**
 * A client of the senhasegura WebService A2A API. Configure with the setters before the first call
 * (then Errc::state); calls may run on many threads at once. Results are JSON text in a Secret
 * (decrypted passwords and keys are secrets), wiped when it goes. Move-only.
 */
class A2AClient {
 public:
  A2AClient(const std::string &base_url, const Http &http) {
    m2mauth_a2a *a = nullptr;
    detail::check(m2mauth_a2a_new(&a, detail::c_str(base_url), http.get()));
    h_.reset(a);
  }
  explicit A2AClient(m2mauth_a2a *adopted) noexcept : h_(adopted) {}

  A2AClient &set_auth_method(A2AAuth auth) {
    detail::check(m2mauth_a2a_set_auth_method(get(), static_cast<int>(auth)));
    return *this;
  }
  A2AClient &set_oauth2_client(const std::string &client_id, const std::string &client_secret) {
    detail::check(m2mauth_a2a_set_oauth2_client(get(), detail::c_str(client_id), detail::c_str(client_secret)));
    return *this;
  }
  /** ClientAuth::client_secret_basic (default) or ClientAuth::client_secret_post. */
  A2AClient &set_client_auth(ClientAuth auth) {
    detail::check(m2mauth_a2a_set_client_auth(get(), static_cast<int>(auth)));
    return *this;
  }
  A2AClient &set_tenant(const std::optional<std::string> &tenant) {
    detail::check(m2mauth_a2a_set_tenant(get(), detail::c_str(tenant)));
    return *this;
  }
  A2AClient &set_token_url(const std::string &token_url) {
    detail::check(m2mauth_a2a_set_token_url(get(), detail::c_str(token_url)));
    return *this;
  }
  A2AClient &set_manager_options(const TokenManagerOptions &options) {
    m2mauth_token_manager_options o = options.to_c();
    detail::check(m2mauth_a2a_set_manager_options(get(), &o));
    return *this;
  }
  A2AClient &set_oauth1_credentials(const std::string &consumer_key, const std::optional<std::string> &consumer_secret,
                                    const std::string &token, const std::optional<std::string> &token_secret) {
    m2mauth_a2a_oauth1_credentials c = M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT;
    c.consumer_key = detail::c_str(consumer_key);
    c.consumer_secret = detail::c_str(consumer_secret);
    c.token = detail::c_str(token);
    c.token_secret = detail::c_str(token_secret);
    detail::check(m2mauth_a2a_set_oauth1_credentials(get(), &c));
    return *this;
  }
  /** The authorization's RSA private key for "encryption of sensitive information"; nullptr removes it. */
  A2AClient &set_decryption_key(const Key *key) {
    detail::check(m2mauth_a2a_set_decryption_key(get(), key != nullptr ? key->get() : nullptr));
    return *this;
  }
  A2AClient &set_clock(m2mauth_clock_cb clock, void *payload, m2mauth_free_cb free_payload = nullptr) {
    detail::check(m2mauth_a2a_set_clock(get(), clock, payload, free_payload));
    return *this;
  }

  /** GET /iso/pam/credential/{id or username@hostname}: the "credential" object. */
  Secret credential(const std::string &id) {
    return secret_call([&](m2mauth_buf *out) { return m2mauth_a2a_credential(out, get(), detail::c_str(id)); });
  }
  /** GET /iso/pam/info/{id}: the "info" object. */
  Secret info(const std::string &id) {
    return secret_call([&](m2mauth_buf *out) { return m2mauth_a2a_info(out, get(), detail::c_str(id)); });
  }
  /** GET /iso/pam/key/{id}: the "key" object. */
  Secret ssh_key(const std::string &id) {
    return secret_call([&](m2mauth_buf *out) { return m2mauth_a2a_ssh_key(out, get(), detail::c_str(id)); });
  }
  /** GET /iso/dapp/application: the "application" object (DSM secrets). */
  Secret dsm_application() {
    return secret_call([&](m2mauth_buf *out) { return m2mauth_a2a_dsm_application(out, get()); });
  }
  /**
   * The same calls bounded and cancellable by options (m2mauth_a2a_*_with): timeout and deadline bound
   * the whole call, the OAuth 2.0 token wait included; a Cancel stops the transfer (Errc::cancelled).
   */
  Secret credential(const std::string &id, const CallOptions &options) {
    const m2mauth_call_options o = options.to_c();
    return secret_call([&](m2mauth_buf *out) { return m2mauth_a2a_credential_with(out, get(), detail::c_str(id), &o); });
  }
  Secret info(const std::string &id, const CallOptions &options) {
    const m2mauth_call_options o = options.to_c();
    return secret_call([&](m2mauth_buf *out) { return m2mauth_a2a_info_with(out, get(), detail::c_str(id), &o); });
  }
  Secret ssh_key(const std::string &id, const CallOptions &options) {
    const m2mauth_call_options o = options.to_c();
    return secret_call([&](m2mauth_buf *out) { return m2mauth_a2a_ssh_key_with(out, get(), detail::c_str(id), &o); });
  }
  Secret dsm_application(const CallOptions &options) {
    const m2mauth_call_options o = options.to_c();
    return secret_call([&](m2mauth_buf *out) { return m2mauth_a2a_dsm_application_with(out, get(), &o); });
  }
  /**
   * Any function: method, path "module/function[/argument]" (not percent-encoded), params as a JSON
   * object text (or nullopt). Returns the whole response document.
   */
  Secret call(const std::string &method, const std::string &path, const std::optional<std::string> &params_json,
              bool decrypt = true) {
    return secret_call([&](m2mauth_buf *out) {
      return m2mauth_a2a_call(out, get(), detail::c_str(method), detail::c_str(path), detail::c_str(params_json),
                              decrypt ? 0u : static_cast<unsigned int>(M2MAUTH_A2A_NO_DECRYPT));
    });
  }
  /** The same bounded and cancellable by options (m2mauth_a2a_call_with). */
  Secret call(const std::string &method, const std::string &path, const std::optional<std::string> &params_json,
              bool decrypt, const CallOptions &options) {
    const m2mauth_call_options o = options.to_c();
    return secret_call([&](m2mauth_buf *out) {
      return m2mauth_a2a_call_with(out, get(), detail::c_str(method), detail::c_str(path), detail::c_str(params_json),
                                   decrypt ? 0u : static_cast<unsigned int>(M2MAUTH_A2A_NO_DECRYPT), &o);
    });
  }

  m2mauth_a2a *get() const noexcept { return h_.get(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  template <typename F>
  static Secret secret_call(F &&call) {
    Secret s;
    detail::check(call(detail::SecretAccess::out(s)));
    return s;
  }

  detail::Handle<m2mauth_a2a, m2mauth_a2a_free> h_;
};

namespace a2a {

/** One protected value (base64 RSA-OAEP SHA-1 ciphertext) decrypted with the authorization's key. */
inline Secret decrypt(const Key &key, const std::string &value) {
  Secret s;
  detail::check(m2mauth_a2a_decrypt(detail::SecretAccess::out(s), key.get(), detail::c_str(value)));
  return s;
}
/** {"sha256","sha256_colon","sha1","sha1_colon"} of cert as JSON text. */
inline std::string cert_fingerprints(const Certificate &cert) {
  return detail::text([&](m2mauth_buf *out) { return m2mauth_a2a_cert_fingerprints(out, cert.get()); });
}

}  // namespace a2a

/* ---- configuration ----------------------------------------------------------------------------- */

/**
 * The configuration shared by every language (config.h): a JSON file and/or M2MAUTH_<SECTION>_<KEY>
 * variables. Immutable; may be shared between threads. Move-only.
 */
class Config {
 public:
  explicit Config(m2mauth_config *adopted) noexcept : h_(adopted) {}

  /** The file at path (nullopt: $M2MAUTH_CONFIG, or none), then the environment when use_env. */
  static Config load(const std::optional<std::string> &path = std::nullopt, bool use_env = true) {
    m2mauth_config *c = nullptr;
    detail::check(m2mauth_config_load(&c, detail::c_str(path), use_env ? 1 : 0));
    return Config(c);
  }
  static Config from_json(const std::string &json, bool use_env = false) {
    m2mauth_config *c = nullptr;
    detail::check(m2mauth_config_from_json(&c, detail::c_str(json), use_env ? 1 : 0));
    return Config(c);
  }

  /** The effective configuration as JSON, secrets "<redacted>": safe to log. */
  std::string describe() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_config_describe(out, get()); });
  }
  /** A non-secret value by "section.key" as text; nullopt if not set. Throws for unknown names and secrets. */
  std::optional<std::string> get_value(const std::string &name) const {
    detail::Buf buf;
    m2mauth_status st = m2mauth_config_get(buf.out(), get(), detail::c_str(name));
    if (st == M2MAUTH_ENOTFOUND) return std::nullopt;
    detail::check(st);
    return buf.str();
  }
  /** True if "section" has any key set or "section.key" is set. */
  bool has(const std::string &name) const { return m2mauth_config_has(get(), detail::c_str(name)) != 0; }

  /** A transport from the "http" section. */
  Http http() const {
    m2mauth_http *h = nullptr;
    detail::check(m2mauth_http_new_from_config(&h, get()));
    return Http(h);
  }
  /** A token client from the "oauth2" section (http nullptr: a new transport from "http"). */
  TokenClient token_client(const Http *http = nullptr) const {
    m2mauth_token_client *c = nullptr;
    detail::check(m2mauth_token_client_new_from_config(&c, get(), http != nullptr ? http->get() : nullptr));
    return TokenClient(c);
  }
  /** A token manager (and its client) from the "oauth2" section. */
  TokenManager token_manager(const Http *http = nullptr) const {
    m2mauth_token_manager *m = nullptr;
    detail::check(m2mauth_token_manager_new_from_config(&m, get(), http != nullptr ? http->get() : nullptr));
    return TokenManager(m);
  }
  /** An A2A client from the "senhasegura" section. */
  A2AClient a2a_client(const Http *http = nullptr) const {
    m2mauth_a2a *a = nullptr;
    detail::check(m2mauth_a2a_new_from_config(&a, get(), http != nullptr ? http->get() : nullptr));
    return A2AClient(a);
  }

  const m2mauth_config *get() const noexcept { return h_.get(); }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  detail::Handle<m2mauth_config, m2mauth_config_free> h_;
};

/* ---- utilities --------------------------------------------------------------------------------- */

namespace util {

/** n random bytes from the OS CSPRNG. */
inline std::string random_bytes(std::size_t n) {
  return detail::text([&](m2mauth_buf *out) { return m2mauth_util_random_bytes(out, n); });
}
inline std::string uuid_v4() {
  return detail::text([](m2mauth_buf *out) { return m2mauth_util_uuid_v4(out); });
}
/** base64url without padding. */
inline std::string base64url_encode(std::string_view data) {
  return detail::text(
      [&](m2mauth_buf *out) { return m2mauth_util_base64url_encode(out, detail::bytes(data), data.size()); });
}
inline std::string base64url_decode(const std::string &text) {
  return detail::text([&](m2mauth_buf *out) { return m2mauth_util_base64url_decode(out, detail::c_str(text)); });
}
/** Equality in time that depends only on the lengths. */
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  return m2mauth_util_constant_time_equal(detail::bytes(a), a.size(), detail::bytes(b), b.size()) != 0;
}

}  // namespace util

}  // namespace m2mauth

#endif /* M2MAUTH_HPP */
