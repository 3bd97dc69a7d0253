// Key rotation without a restart (m2mauth_key_source_*): a token client and a token manager sign
// each new client assertion with the key the file holds after a reload (on demand or by interval).
// The token endpoint is an application transport in this process that records each assertion.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capi_support.hpp"

namespace {

using capi::Buf;
using capi::KeyPtr;

struct Endpoint {
  std::mutex lock;
  std::vector<std::string> assertions;
  int n = 0;
  static m2mauth_status send(m2mauth_response **out, const m2mauth_request *req, void *payload) {
    auto *self = static_cast<Endpoint *>(payload);
    size_t len = 0;
    const uint8_t *body = m2mauth_request_body(req, &len);
    std::string form(reinterpret_cast<const char *>(body), len);
    const std::string name = "client_assertion=";
    size_t at = form.find(name);
    std::string assertion = at == std::string::npos ? "" : form.substr(at + name.size(), form.find('&', at) - at - name.size());
    std::string answer;
    {
      std::lock_guard<std::mutex> hold(self->lock);
      self->assertions.push_back(assertion);
      answer = "{\"access_token\":\"tok-" + std::to_string(++self->n) + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
    }
    m2mauth_status st = m2mauth_response_new(out, 200);
    if (st != M2MAUTH_OK) return st;
    m2mauth_response_add_header(*out, "Content-Type", "application/json");
    return m2mauth_response_set_body(*out, reinterpret_cast<const uint8_t *>(answer.data()), answer.size());
  }
  std::string last() {
    std::lock_guard<std::mutex> hold(lock);
    return assertions.empty() ? "" : assertions.back();
  }
};

KeyPtr new_ec_key() {
  m2mauth_key *k = nullptr;
  REQUIRE_OK(m2mauth_key_generate_ec(&k, "P-256"));
  return KeyPtr(k);
}

// Replaces the file at path atomically (write beside it, then rename), as a rotation job would.
void install(const std::string &path, const std::string &text) {
  const std::string tmp = path + ".new";
  std::ofstream(tmp, std::ios::binary | std::ios::trunc) << text;
  REQUIRE(std::rename(tmp.c_str(), path.c_str()) == 0);
}

void install_key(const std::string &path, const m2mauth_key *key) {
  Buf pem;
  REQUIRE_OK(m2mauth_key_private_pem(pem.out(), key, nullptr));
  install(path, pem.str());
}

std::string thumbprint(const m2mauth_key *key) {
  Buf t;
  REQUIRE_OK(m2mauth_key_thumbprint(t.out(), key));
  return t.str();
}

// A verifier of client assertions for the token endpoint, signed with key.
capi::VerifierPtr assertion_verifier(const m2mauth_key *key) {
  m2mauth_verifier *v = nullptr;
  REQUIRE_OK(m2mauth_verifier_new(&v, key, M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES256)));
  capi::VerifierPtr vp(v);
  REQUIRE_OK(m2mauth_verifier_add_audience(v, "https://as.example/token"));
  return vp;
}

// The assertion's kid, after checking that it verifies with key (and only then).
std::string verified_kid(const std::string &assertion, const m2mauth_key *key) {
  capi::VerifierPtr v = assertion_verifier(key);
  m2mauth_claims *c = nullptr;
  INFO(assertion);
  REQUIRE_OK(m2mauth_verifier_verify(&c, v.get(), assertion.c_str()));
  capi::ClaimsPtr cp(c);
  Buf header;
  REQUIRE_OK(m2mauth_claims_header_json(header.out(), c));
  const std::string h = header.str();
  const std::string key_name = "\"kid\":\"";
  size_t at = h.find(key_name);
  REQUIRE(at != std::string::npos);
  return h.substr(at + key_name.size(), h.find('"', at + key_name.size()) - at - key_name.size());
}

bool verifies(const std::string &assertion, const m2mauth_key *key) {
  capi::VerifierPtr v = assertion_verifier(key);
  m2mauth_claims *c = nullptr;
  bool ok = m2mauth_verifier_verify(&c, v.get(), assertion.c_str()) == M2MAUTH_OK;
  m2mauth_claims_free(c);
  return ok;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/m2mauth-rotate-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::remove((path + "/key.pem").c_str());
    rmdir(path.c_str());
  }
};

// A key file holding key a (b is the key a rotation installs) and a source reading it; the test frees
// the source (a client made from it keeps its own reference).
struct Rotation {
  TempDir dir;
  const std::string path = dir.path + "/key.pem";
  KeyPtr a = new_ec_key(), b = new_ec_key();
  m2mauth_key_source *source = nullptr;
  explicit Rotation(int64_t reload_interval_ms) {
    install_key(path, a.get());
    REQUIRE_OK(m2mauth_key_source_new(&source, path.c_str(), nullptr, reload_interval_ms));
  }
};

struct Client {
  Endpoint endpoint;
  m2mauth_http *http = nullptr;
  m2mauth_token_client *client = nullptr;
  explicit Client(m2mauth_key_source *source) {
    REQUIRE_OK(m2mauth_http_new_custom(&http, &Endpoint::send, &endpoint, nullptr));
    REQUIRE_OK(m2mauth_token_client_new(&client, "https://as.example/token", "svc", http));
    REQUIRE_OK(m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_PRIVATE_KEY_JWT));
    REQUIRE_OK(m2mauth_token_client_set_key_source(client, source));
  }
  ~Client() {
    m2mauth_token_client_free(client);
    m2mauth_http_free(http);
  }
  void fetch() {
    m2mauth_token *t = nullptr;
    REQUIRE_OK(m2mauth_token_client_fetch(&t, client));
    m2mauth_token_free(t);
  }
};

}  // namespace

TEST_CASE("key source: until a reload (or an interval) the client keeps signing with the key it loaded") {
  Rotation r(0);
  auto &[dir, path, a, b, source] = r;
  Client c(source);
  m2mauth_key_source_free(source);  // the client keeps it
  source = nullptr;

  c.fetch();
  CHECK(verified_kid(c.endpoint.last(), a.get()) == thumbprint(a.get()));

  install_key(path, b.get());
  c.fetch();  // no reload yet: still key a
  CHECK(verified_kid(c.endpoint.last(), a.get()) == thumbprint(a.get()));
}

TEST_CASE("key source: reload on demand, a failed reload keeps the key, a token manager follows the rotation") {
  Rotation r(0);
  auto &[dir, path, a, b, source] = r;
  Client c(source);
  m2mauth_token_manager *manager = nullptr;
  REQUIRE_OK(m2mauth_token_manager_new(&manager, c.client, nullptr));
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE_OK(m2mauth_token_manager_get(&v, manager));
  CHECK(verified_kid(c.endpoint.last(), a.get()) == thumbprint(a.get()));

  // Rotate: the file now holds b; reload.
  install_key(path, b.get());
  REQUIRE_OK(m2mauth_key_source_reload(source));
  m2mauth_key *current = nullptr;
  REQUIRE_OK(m2mauth_key_source_current(&current, source));
  CHECK(std::string(m2mauth_key_kid(current)) == thumbprint(b.get()));
  m2mauth_key_free(current);
  // The cached token stays until it is refreshed; the next assertion is b's.
  REQUIRE_OK(m2mauth_token_manager_invalidate(manager, nullptr));
  REQUIRE_OK(m2mauth_token_manager_get(&v, manager));
  const std::string after = c.endpoint.last();
  CHECK(verified_kid(after, b.get()) == thumbprint(b.get()));
  CHECK_FALSE(verifies(after, a.get()));

  // A broken file: reload fails with the loader's error and the source keeps b.
  install(path, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  CHECK_STATUS(m2mauth_key_source_reload(source), M2MAUTH_EKEY);
  c.fetch();
  CHECK(verified_kid(c.endpoint.last(), b.get()) == thumbprint(b.get()));

  m2mauth_token_manager_free(manager);
  m2mauth_key_source_free(source);
}

TEST_CASE("key source: with an interval, the first use after it loads the rotated key") {
  Rotation r(50);
  auto &[dir, path, a, b, source] = r;
  Client c(source);
  c.fetch();
  CHECK(verified_kid(c.endpoint.last(), a.get()) == thumbprint(a.get()));
  install_key(path, b.get());
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  c.fetch();
  CHECK(verified_kid(c.endpoint.last(), b.get()) == thumbprint(b.get()));
  m2mauth_key_source_free(source);

  // A public key, a missing file and a bad interval are refused at once.
  m2mauth_key *pub = nullptr;
  REQUIRE_OK(m2mauth_key_public(&pub, a.get()));
  Buf pem;
  REQUIRE_OK(m2mauth_key_public_pem(pem.out(), pub));
  m2mauth_key_free(pub);
  install(path, pem.str());
  CHECK_STATUS(m2mauth_key_source_new(&source, path.c_str(), nullptr, 0), M2MAUTH_ENOPRIVATE);
  CHECK_STATUS(m2mauth_key_source_new(&source, (dir.path + "/missing.pem").c_str(), nullptr, 0), M2MAUTH_EIO);
  CHECK_STATUS(m2mauth_key_source_new(&source, path.c_str(), nullptr, -1), M2MAUTH_EINVAL);
}
