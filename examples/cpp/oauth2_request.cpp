// An authenticated API call with a cached OAuth 2.0 token, in C++ through <m2mauth/m2mauth.hpp> (the
// header-only C++ layer over the C ABI: RAII handles, exceptions, std::string). Configured the way every
// m2mauth language is: a JSON file named by $M2MAUTH_CONFIG and/or M2MAUTH_* environment variables
// (README, "Configuration"). Secrets come from files or the environment, never from the command line;
// the token is used, never printed.
//
// Build: c++ -std=c++17 oauth2_request.cpp $(pkg-config --cflags --libs m2mauth)
// Run:   M2MAUTH_CONFIG=service.json ./a.out https://api.example.com/v1/accounts [count]
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
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " URL [count]\n";
    return 2;
  }
  const std::string url = argv[1];
  const int count = argc > 2 ? std::atoi(argv[2]) : 2;
  try {
    m2mauth::Config config = m2mauth::Config::load();
    m2mauth::Http http = config.http();
    m2mauth::TokenManager tokens = config.token_manager(&http);
    // Events carry no secret: client id, scope, expiry, error names. Called on the fetching thread.
    tokens.set_event_callback([](const m2mauth::TokenEvent &ev) {
      Line line;
      line << "   [event] " << m2mauth::token_event_name(ev.kind) << " client=" << ev.client_id << " scope=\""
           << ev.scope << '"';
      if (ev.kind == m2mauth::TokenEventKind::failed) line << " error=" << m2mauth::error_name(ev.error_code);
    });

    m2mauth::Token token = tokens.token();  // an owned copy; a secret, so only its length is shown
    Line() << "   token: " << token.type() << ", " << token.access_token().size()
           << " characters (not shown), expires at " << token.expires_at_ms() << " ms";

    m2mauth::Request request("GET", url);
    for (int i = 0; i < count; ++i) {
      m2mauth::Response response = tokens.request(request);  // Authorization attached; one retry on 401
      Line() << "   GET " << url << " -> HTTP " << response.status() << ", "
             << response.body().size() << " bytes";
      if (response.status() != 200) return 1;
    }
    return 0;
  } catch (const m2mauth::Error &e) {
    // Messages never hold a secret; the OAuth error and HTTP status say what the server answered.
    std::cerr << "error: " << e.what() << " (" << e.name();
    if (!e.oauth_error().empty()) std::cerr << ", oauth error " << e.oauth_error();
    if (e.http_status() != 0) std::cerr << ", HTTP " << e.http_status();
    std::cerr << (e.transient() ? ", transient)\n" : ")\n");
    return 1;
  }
}
