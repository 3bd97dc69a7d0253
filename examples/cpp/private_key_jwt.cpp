// The BMP / HEFLO private-key JWT flow of the BMP Money Plus private-key JWT guide (README, "The two seed APIs") in C++, written out with the
// explicit API rather than a configuration file:
//   1. the RSA key written by `m2mauth keygen` (or `openssl genrsa`), loaded once;
//   2. a token client for the endpoint: private_key_jwt, a fresh RS256 assertion per token request
//      (jti, iss = sub = client_id, aud = the token endpoint URL, iat, nbf, exp), scope;
//   3. a token manager that caches the 1-hour token and renews it ahead of expiry;
//   4. API calls with "Authorization: Bearer ..." and a fresh IdempotencyKey GUID each.
//
// Build: c++ -std=c++17 private_key_jwt.cpp $(pkg-config --cflags --libs m2mauth)
// Run:   ./a.out TOKEN_URL CLIENT_ID PRIVATE_KEY_FILE "SCOPE" API_URL [count]
#include <m2mauth/m2mauth.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace {

// Collects a line and prints it with one stdio call when it goes: event callbacks run on the token
// manager's thread, so two threads print. Line() << "a" << 1;
class Line {
 public:
  Line() = default;
  Line(const Line &) = delete;
  Line &operator=(const Line &) = delete;
  ~Line() { std::fputs((text_.str() + "\n").c_str(), stdout); }
  template <typename T>
  Line &operator<<(const T &value) {
    text_ << value;
    return *this;
  }

 private:
  std::ostringstream text_;
};

}  // namespace

int main(int argc, char **argv) {
  if (argc < 6) {
    std::cerr << "usage: " << argv[0] << " TOKEN_URL CLIENT_ID PRIVATE_KEY_FILE SCOPE API_URL [count]\n";
    return 2;
  }
  const std::string token_url = argv[1], client_id = argv[2], key_file = argv[3], scope = argv[4], api = argv[5];
  const int count = argc > 6 ? std::atoi(argv[6]) : 2;
  try {
    m2mauth::Key key = m2mauth::Key::from_file(key_file);  // parsed once, reused by every signature
    Line() << "1. loaded an RSA-" << key.bits() << " key, thumbprint " << key.thumbprint();

    m2mauth::Http http;  // TLS verified; plain http:// only to loopback
    m2mauth::TokenClient client(token_url, client_id, http);
    m2mauth::AssertionOptions assertion;
    assertion.audience = token_url;  // aud = the token endpoint (the documented default too)
    assertion.alg = m2mauth::Alg::RS256;
    client.set_auth_method(m2mauth::ClientAuth::private_key_jwt)
        .set_private_key(key)
        .set_assertion(assertion)
        .set_scope(scope);
    Line() << "2. token client: private_key_jwt (RS256) at " << token_url << " for " << client_id;

    m2mauth::TokenManager tokens(client);
    tokens.set_idempotency_header("IdempotencyKey");
    tokens.set_event_callback([](const m2mauth::TokenEvent &ev) {
      Line() << "   [event] " << m2mauth::token_event_name(ev.kind) << " client=" << ev.client_id
             << " scope=\"" << ev.scope << '"';
    });
    m2mauth::TokenView token = tokens.get_token();  // valid until this thread's next call on the manager
    Line() << "3. token: " << token.scheme << ", " << token.access_token.size()
           << " characters (not shown)";

    m2mauth::Request request("GET", api);
    for (int i = 0; i < count; ++i) {
      m2mauth::Response response = tokens.request(request);  // the cached token; a new IdempotencyKey each
      Line() << "4. GET " << api << " -> HTTP " << response.status() << ", "
             << response.body().size() << " bytes";
      if (response.status() != 200) return 1;
    }
    return 0;
  } catch (const m2mauth::Error &e) {
    std::cerr << "error: " << e.what() << " (" << e.name();
    if (!e.oauth_error().empty()) std::cerr << ", oauth error " << e.oauth_error();
    if (e.http_status() != 0) std::cerr << ", HTTP " << e.http_status();
    std::cerr << ")\n";
    return 1;
  }
}
