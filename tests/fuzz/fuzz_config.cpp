// Fuzz target "config": the configuration loader (m2mauth_config_from_json). The input is the JSON
// text, then optionally NUL-separated "NAME=VALUE" pairs, set as environment variables
// M2MAUTH_<NAME> for that load (use_env on) and removed after it. A configuration that loads is
// described, read by name and given to the builders (a transport; a token client and an A2A client on
// an application transport that answers 404, so discovery by "issuer" runs without a network).
//
// The loader reads the files that X_file keys name. An input that mentions "_file" (any case) and
// contains '/' or '\' is skipped, and the target runs in a scratch directory holding a few regular
// files (secret.txt, key.pem), so relative names reach real files and no input reaches a device or
// a FIFO on the machine. (Reading only regular files is defect 10 of issue 10, not the fuzzer's job.)
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "fixed_keys.hpp"
#include "fuzz_support.hpp"

extern char **environ;

namespace {

std::string g_scratch;

void remove_scratch() {
  if (g_scratch.empty()) return;
  unlink((g_scratch + "/secret.txt").c_str());
  unlink((g_scratch + "/key.pem").c_str());
  rmdir(g_scratch.c_str());
}

struct Fixture {
  bool ready = false;
  Fixture() {
    // Only the variables an input sets may reach the loader.
    std::vector<std::string> ours;
    for (char **e = environ; e != nullptr && *e != nullptr; ++e) {
      std::string kv(*e);
      if (kv.rfind("M2MAUTH_", 0) == 0) ours.push_back(kv.substr(0, kv.find('=')));
    }
    for (const std::string &name : ours) unsetenv(name.c_str());
    char dir[] = "/tmp/m2mauth-fuzz-config-XXXXXX";
    if (mkdtemp(dir) == nullptr) return;
    g_scratch = dir;
    std::atexit(remove_scratch);
    if (chdir(dir) != 0) return;
    std::ofstream("secret.txt") << "fuzz-secret\n";
    std::ofstream("key.pem") << fuzz::kFixedRsaPrivatePem;
    ready = true;
  }
};

bool mentions_file_path(const std::string &input) {
  std::string lower;
  for (char c : input) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower.find("_file") != std::string::npos && input.find_first_of("/\\") != std::string::npos;
}

m2mauth_status answer_404(m2mauth_response **out, const m2mauth_request *, void *) {
  return m2mauth_response_new(out, 404);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Fixture &fixture = *new Fixture;  // never destroyed
  if (!fixture.ready) return 0;
  const std::string input(reinterpret_cast<const char *>(data), size);
  if (mentions_file_path(input)) return 0;

  fuzz::Reader r(data, size);
  const std::string json = r.text();
  std::vector<std::string> set;
  while (!r.empty()) {
    std::string pair = r.text();
    std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string name = "M2MAUTH_" + pair.substr(0, eq);
    if (setenv(name.c_str(), pair.c_str() + eq + 1, 1) == 0) set.push_back(name);
  }

  m2mauth_config *config = nullptr;
  if (m2mauth_config_from_json(&config, json.c_str(), set.empty() ? 0 : 1) == M2MAUTH_OK) {
    fuzz::Buf described;
    if (m2mauth_config_describe(&described, config) == M2MAUTH_OK) described.touch_all();
    static const char *const names[] = {"http", "oauth2", "senhasegura", "http.timeout_ms", "http.ca_file",
                                        "oauth2.token_url", "oauth2.client_id", "oauth2.scope", "oauth2.resource",
                                        "oauth2.params", "oauth2.client_secret", "oauth2.private_key_file",
                                        "senhasegura.base_url", "senhasegura.auth_method", "nope.x", "oauth2."};
    for (const char *name : names) {
      fuzz::Buf value;
      if (m2mauth_config_get(&value, config, name) == M2MAUTH_OK) value.touch_all();
      (void)m2mauth_config_has(config, name);
    }
    m2mauth_http *curl = nullptr;
    if (m2mauth_http_new_from_config(&curl, config) != M2MAUTH_OK) fuzz::touch_error();
    m2mauth_http_free(curl);
    m2mauth_http *app = nullptr;
    if (m2mauth_http_new_custom(&app, answer_404, nullptr, nullptr) == M2MAUTH_OK) {
      if (m2mauth_config_has(config, "oauth2")) {
        m2mauth_token_client *client = nullptr;
        if (m2mauth_token_client_new_from_config(&client, config, app) != M2MAUTH_OK) fuzz::touch_error();
        m2mauth_token_client_free(client);
      }
      if (m2mauth_config_has(config, "senhasegura")) {
        m2mauth_a2a *a2a = nullptr;
        if (m2mauth_a2a_new_from_config(&a2a, config, app) != M2MAUTH_OK) fuzz::touch_error();
        m2mauth_a2a_free(a2a);
      }
    }
    m2mauth_http_free(app);
  } else {
    fuzz::touch_error();
  }
  m2mauth_config_free(config);
  for (const std::string &name : set) unsetenv(name.c_str());
  return 0;
}
