// senhasegura WebService A2A (the senhasegura WebService A2A documentation; README, "The two seed APIs"): `https://HOST/iso/MODULE/FUNCTION`.
//
// An A2AClient authenticates every request with one of the vendor's three methods, parses the
// bilingual response envelope into a JSON document or a classified Error, and decrypts the sensitive
// fields of typed results with the authorization's RSA key when "encryption of sensitive information"
// is on. It is built once and then thread-safe: any number of threads may call it at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cjson/cJSON.h>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/freeze.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/secret.hpp"
#include "m2mauth/core/token_manager.hpp"

namespace m2mauth::core {

// Values equal the C API's m2mauth_a2a_auth.
enum class A2AAuth {
  oauth2 = 1,  // OAuth 2.0 client credentials on /iso/oauth2/token, then "Authorization: Bearer" (the vendor's advice)
  oauth1 = 2,  // OAuth 1.0 HMAC-SHA1 in the Authorization header (RFC 5849)
  query = 3,   // oauth_consumer_key and oauth_token in the query string (not recommended by the vendor)
};
// "oauth2", "oauth1", "query"; "" for anything else.
const char *a2a_auth_name(A2AAuth auth) noexcept;
// Throws Error(invalid_argument) for other names.
A2AAuth a2a_auth_from_name(std::string_view name);
// A method given as a number (C API, bindings); throws Error(invalid_argument) for unknown values.
A2AAuth a2a_auth_from_int(int auth);

struct A2AConfig {
  // "https://HOST" (or with a path prefix); a trailing "/" or "/iso" is accepted and dropped.
  std::string base_url;
  A2AAuth auth = A2AAuth::oauth2;

  // OAuth 2.0
  std::string client_id;
  SecretString client_secret;
  // client_secret_basic (default: version 3.25's Basic header, RFC 6749 2.3.1 form-encoding before
  // base64) or client_secret_post (client_id/client_secret in the body, as newer docs and SDKs do).
  ClientAuth client_auth = ClientAuth::client_secret_basic;
  std::string tenant;          // "tenant" on the token request (multi-tenant instances); empty: none
  std::string token_url;       // empty: <base>/iso/oauth2/token
  ManagerOptions manager;      // caching and refresh of the token

  // OAuth 1.0 (consumer_key, consumer_secret, token, token_secret) and the query method (consumer_key, token).
  std::string consumer_key;
  SecretString consumer_secret;
  SecretString token;          // oauth_token: with the query method it is the whole credential
  SecretString token_secret;

  // The authorization's RSA private key (PKCS#8 as downloaded, or any form Key reads) for values
  // returned encrypted; none: values are returned as the server sent them.
  std::optional<Key> decryption_key;

  Clock clock;                 // OAuth 1.0 timestamps and token expiry; empty: the system clock
};

// Owned JSON whose strings are wiped (OPENSSL_cleanse) before it is freed: results carry passwords.
struct WipingJsonDeleter {
  void operator()(cJSON *item) const noexcept;
};
using SecretJson = std::unique_ptr<cJSON, WipingJsonDeleter>;

// Overwrites every string (values, not member names) of item and its children.
void json_wipe_strings(cJSON *item) noexcept;

class A2AClient {
 public:
  // Checks the configuration (Error(config) naming what is missing, Error(key_type / no_private) for an
  // unusable decryption key). transport carries every request, the token request included: set the
  // mTLS client certificate (certificate validation) and the CA there.
  A2AClient(A2AConfig config, std::shared_ptr<Transport> transport);
  ~A2AClient();
  A2AClient(const A2AClient &) = delete;
  A2AClient &operator=(const A2AClient &) = delete;

  // Any function: method GET, POST, PUT or DELETE; path "module/function[/arg...]" (a leading "/" or
  // "/iso/" is accepted; each segment is percent-encoded here, so pass it unencoded); params a JSON
  // object of string, number or boolean members (or null): the query string for GET and DELETE, an
  // application/x-www-form-urlencoded body for POST and PUT. Returns the whole response document.
  // With decrypt and a decryption key, the sensitive fields of "credential", "info", "key" and
  // "application" members are decrypted as the typed helpers do.
  //
  // Errors: vendor (the envelope's error flag or an HTTP error with the envelope: detail().vendor_code,
  // http_status, transient for 5xx and 429), unauthorized (401, after one retry with a new token for
  // OAuth 2.0), http (an error status without the envelope, or a redirect), protocol (a success that
  // is not JSON), oauth (the token endpoint refused the client), and the transport's errors. Messages
  // are sanitised and bounded and never carry a configured secret.
  SecretJson call(std::string_view method, std::string_view path, const cJSON *params = nullptr,
                  bool decrypt = true, const CallOptions &options = {});

  // GET /iso/pam/credential/{id or username@hostname}: the "credential" object (password and
  // content decrypted).
  SecretJson credential(std::string_view id, const CallOptions &options = {});
  // GET /iso/pam/info/{id}: the "info" object (content decrypted).
  SecretJson info(std::string_view id, const CallOptions &options = {});
  // GET /iso/pam/key/{id}: the "key" object (private_key and passphrase decrypted).
  SecretJson ssh_key(std::string_view id, const CallOptions &options = {});
  // GET /iso/dapp/application: the "application" object (every secrets[].data[] value decrypted).
  SecretJson dsm_application(const CallOptions &options = {});

  // The request call() would send, before authentication (diagnostics and tests).
  Request build_request(std::string_view method, std::string_view path, const cJSON *params) const;

  const A2AConfig &config() const noexcept;
  // The OAuth 2.0 token manager (events, invalidation); nullptr for the other methods.
  TokenManager *token_manager() noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The OAuth 1.0 and query credentials of an A2A client (A2AConfig's members of the same names).
struct A2AOauth1Credentials {
  std::string consumer_key;    // required
  SecretString consumer_secret;  // may be empty (the query method needs none)
  SecretString token;          // required
  SecretString token_secret;   // may be empty
};

// Configures an A2AClient, then builds it once: the first call freezes the configuration
// (core::FreezeGate, "A2A client"). Each setter checks its value and throws Error(state)
// "A2A client: <setter> after first use" once frozen. Setters and client() may be called from any
// thread.
class A2AClientBuilder {
 public:
  // Checks base_url (absolute http(s)) and transport (not null).
  A2AClientBuilder(std::string base_url, std::shared_ptr<Transport> transport);
  // From a whole configuration (the factories of config.hpp), checked now as A2AClient would.
  A2AClientBuilder(A2AConfig config, std::shared_ptr<Transport> transport);

  void set_auth_method(A2AAuth auth);
  void set_oauth2_client(std::string client_id, SecretString client_secret);  // neither empty
  void set_client_auth(ClientAuth auth);  // client_secret_basic or client_secret_post
  void set_tenant(std::string tenant);
  void set_token_url(std::string token_url);
  void set_manager_options(ManagerOptions options);
  void set_oauth1_credentials(A2AOauth1Credentials credentials);
  void set_decryption_key(std::optional<Key> key);  // a private RSA key, or none
  void set_clock(Clock clock);                      // empty: the system clock

  // The client, built on the first call (which freezes this builder) and the same one afterwards.
  // Throws Error(config ...) for an incomplete configuration, leaving the builder open.
  std::shared_ptr<A2AClient> client();
  bool frozen() const noexcept { return gate_.frozen(); }

 private:
  template <typename F>
  void configure(const char *setter, F &&change) {
    gate_.configure(setter, [&] { change(config_); });
  }

  FreezeGate gate_{"A2A client"};
  A2AConfig config_;
  std::shared_ptr<Transport> transport_;
  std::shared_ptr<A2AClient> built_;
};

// ---- building blocks (also used by the C API and by tests) -----------------------------------------

// Where a response came from, for messages and redaction.
struct A2AContext {
  std::string method;                       // "GET"
  std::string path;                         // "/iso/pam/info/10", without the query
  std::vector<std::string_view> secrets;    // values never to appear in a message (under 4 bytes ignored)
  Clock clock;                              // for Retry-After; empty: the system clock
};

// Parses an A2A response: the document on success, else throws the classified Error described at
// A2AClient::call(). Does not decrypt.
SecretJson a2a_parse_response(const Response &response, const A2AContext &context);

// One protected value: base64 of RSA-OAEP (SHA-1, MGF1-SHA-1) ciphertext, cut into key_size/8-byte
// blocks decrypted one by one and concatenated (the block convention is an inference: the vendor
// documents single-block values only). Throws Error(key_type / no_private) for a key that is not a
// private RSA key, Error(protocol) for input that is not such ciphertext or not UTF-8 once decrypted.
SecretString a2a_decrypt(const Key &key, std::string_view base64_value);

// Decrypts in place the sensitive fields of the A2A objects in doc: password, content, private_key
// and passphrase of "credential", "info" and "key", and every value of "application".secrets[].data[].
// Empty values are left alone; others must decrypt (Error(protocol) naming the field otherwise).
void a2a_decrypt_fields(cJSON *doc, const Key &key);

// A certificate's fingerprints as an administrator pastes them into the authorization's
// "certificate validation": upper-case hex with colons and lower-case plain hex.
struct CertFingerprints {
  std::string sha256;        // "ab12..." (64 hex digits)
  std::string sha256_colon;  // "AB:12:..."
  std::string sha1;
  std::string sha1_colon;
};
CertFingerprints cert_fingerprints(const Certificate &cert);

}  // namespace m2mauth::core
