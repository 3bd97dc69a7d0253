// Reads a credential from senhasegura's A2A API (https://HOST/iso/pam/credential/ID) in C++ through
// <m2mauth/m2mauth.hpp>, with the method the configuration names (OAuth 2.0, OAuth 1.0 or the query
// token), optionally over mTLS and with encrypted values decrypted. The password is used, never printed.
//
// Build: c++ -std=c++17 senhasegura_credential.cpp $(pkg-config --cflags --libs m2mauth)
// Run:   M2MAUTH_CONFIG=a2a.json ./a.out 5            (or username@hostname)
#include <m2mauth/m2mauth.hpp>

#include <iostream>
#include <string>
#include <string_view>

namespace {

// The string member `name` of a flat JSON object. Enough for this example (JSON escapes are not
// decoded); a real program would hand the text to its JSON library.
std::string_view member(std::string_view json, std::string_view name) {
  const std::string key = "\"" + std::string(name) + "\":\"";
  std::size_t start = json.find(key);
  if (start == std::string_view::npos) return {};
  start += key.size();
  std::size_t end = json.find('"', start);
  return end == std::string_view::npos ? std::string_view{} : json.substr(start, end - start);
}

}  // namespace

int main(int argc, char **argv) {
  const std::string id = argc > 1 ? argv[1] : "5";
  try {
    m2mauth::Config config = m2mauth::Config::load();
    m2mauth::Http http = config.http();
    m2mauth::A2AClient a2a = config.a2a_client(&http);
    // A Secret: the library's buffer, wiped when it goes out of scope. view() avoids an unwiped copy.
    m2mauth::Secret credential = a2a.credential(id);
    std::string_view json = credential.view();
    std::cout << "   credential " << id << ": " << member(json, "username") << '@' << member(json, "hostname")
              << ", password of " << member(json, "password").size() << " bytes (not shown)" << std::endl;
    return 0;
  } catch (const m2mauth::Error &e) {
    // The vendor's code (1011, 1023, 1024, 1026 ...) and message; never a secret.
    std::cerr << "error: credential " << id << ": " << e.what() << " (" << e.name() << ", vendor code "
              << e.vendor_code() << ", HTTP " << e.http_status() << ")\n";
    return 1;
  }
}
