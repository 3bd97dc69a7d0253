// KeySource and TokenClient::set_key_source through m2mauth.hpp: a rotated key file is used, with its
// new kid, by the next client assertion. The token endpoint is an application transport in this process.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "wrapper_support.hpp"

using namespace m2mauth;

namespace {

// Records each client assertion and answers with a fresh Bearer token.
struct Endpoint {
  std::mutex lock;
  std::vector<std::string> assertions;
  static m2mauth_status send(m2mauth_response **out, const m2mauth_request *req, void *payload) {
    auto *self = static_cast<Endpoint *>(payload);
    std::size_t len = 0;
    const std::uint8_t *body = m2mauth_request_body(req, &len);
    const std::string form(reinterpret_cast<const char *>(body), len), name = "client_assertion=";
    const std::size_t at = form.find(name);
    {
      std::lock_guard<std::mutex> hold(self->lock);
      self->assertions.push_back(at == std::string::npos ? ""
                                                         : form.substr(at + name.size(), form.find('&', at) - at - name.size()));
    }
    const std::string answer = R"({"access_token":"t","token_type":"Bearer","expires_in":3600})";
    m2mauth_status st = m2mauth_response_new(out, 200);
    if (st != M2MAUTH_OK) return st;
    m2mauth_response_add_header(*out, "Content-Type", "application/json");
    return m2mauth_response_set_body(*out, reinterpret_cast<const std::uint8_t *>(answer.data()), answer.size());
  }
};

// Replaces the file atomically, as a rotation job would.
void install(const std::string &path, const Key &key) {
  std::ofstream(path + ".new", std::ios::binary | std::ios::trunc) << key.private_pem().view();
  REQUIRE(std::rename((path + ".new").c_str(), path.c_str()) == 0);
}

std::string kid_of(const std::string &token) {
  const std::string header = jws::decode_unverified(token).header;
  const std::string name = "\"kid\":\"";
  const std::size_t at = header.find(name);
  REQUIRE(at != std::string::npos);
  return header.substr(at + name.size(), header.find('"', at + name.size()) - at - name.size());
}

}  // namespace

TEST_CASE("KeySource: a rotated key file signs the next assertion, named by its new kid") {
  char tmpl[] = "/tmp/m2mauth-cpp-rotate-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl, path = dir + "/key.pem";
  Key a = Key::generate_ec(), b = Key::generate_ed25519();
  install(path, a);
  KeySource source(path);
  CHECK(source.current().kid() == a.thumbprint());

  Endpoint endpoint;
  Http http = Http::custom(&Endpoint::send, &endpoint);
  TokenClient client("https://as.example/token", "svc", http);
  client.set_auth_method(ClientAuth::private_key_jwt).set_key_source(source);
  client.fetch();
  install(path, b);
  client.fetch();
  CHECK(kid_of(endpoint.assertions.back()) == a.thumbprint());  // not reloaded yet
  source.reload();
  CHECK(source.current().kid() == b.thumbprint());
  client.fetch();
  REQUIRE(endpoint.assertions.size() == 3);
  CHECK(kid_of(endpoint.assertions[0]) == a.thumbprint());
  CHECK(kid_of(endpoint.assertions[2]) == b.thumbprint());
  CHECK(jws::verify(b.public_key(), endpoint.assertions[2], {Alg::EdDSA}).find("\"sub\":\"svc\"") != std::string::npos);

  // A reload that fails keeps the current key; a missing file at first is an error.
  std::ofstream(path, std::ios::trunc) << "not a key";
  CHECK_THROWS_AS(source.reload(), Error);
  CHECK(source.current().kid() == b.thumbprint());
  std::remove(path.c_str());
  CHECK_THROWS_AS(KeySource{path}, Error);
  rmdir(dir.c_str());
}
