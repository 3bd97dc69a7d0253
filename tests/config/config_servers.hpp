// The configuration suites' servers (started once per suite, stopped at exit) and temporary files.
// Independent of the library under test: used by the core and the C API suites alike.
#pragma once

#include <cjson/cJSON.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "loopback.hpp"

namespace m2mauth_test {

inline Servers &servers() {
  static Servers s({"oidc", "authlib", "fault", "fault_tls=fault", "a2a", "a2a_enc=a2a"},
                   {"fault_tls.tls_cert={pki}/server.pem", "fault_tls.tls_key={pki}/server.key",
                    "fault_tls.client_ca={pki}/ca.pem", "a2a_enc.encrypt_with_public_key=keys/a2a-encryption.pub.pem"},
                   true);
  return s;
}

inline std::string pki_dir() { return servers().dir() + "/pki"; }

inline std::string cert_field(const char *cert, const char *field) { return pki_cert_field(servers(), cert, field); }

// A file in the suite's temporary folder (removed with the servers), mode 0600.
inline std::string write_temp(const std::string &name, const std::string &content) {
  std::string path = servers().dir() + "/" + name;
  FILE *f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("cannot write " + path);
  std::fwrite(content.data(), 1, content.size(), f);
  std::fclose(f);
  chmod(path.c_str(), 0600);
  return path;
}

// The "a2a" fields of clients.json by name: consumer_key, ..., client_id (first OAuth 2.0 client).
inline std::string a2a_field(const char *name) {
  cJSON *root = cJSON_Parse(read_file(servers_dir() + "/clients.json").c_str());
  const cJSON *a2a = cJSON_GetObjectItemCaseSensitive(root, "a2a");
  const cJSON *o1 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(a2a, "oauth1"), 0);
  const cJSON *o2 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(a2a, "oauth2"), 0);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o1, name);
  if (v == nullptr) v = cJSON_GetObjectItemCaseSensitive(o2, name);
  std::string s = cJSON_IsString(v) ? v->valuestring : "";
  cJSON_Delete(root);
  if (s.empty()) throw std::runtime_error(std::string("clients.json: no a2a ") + name);
  return s;
}

inline std::string json_str(const std::string &json, const char *name) {
  cJSON *root = cJSON_Parse(json.c_str());
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
  std::string s = cJSON_IsString(v) ? v->valuestring : "";
  cJSON_Delete(root);
  return s;
}

// JSON string literal of s (for building configuration text in tests).
inline std::string quoted(const std::string &s) {
  cJSON *item = cJSON_CreateString(s.c_str());
  char *p = cJSON_PrintUnformatted(item);
  std::string out = p;
  cJSON_free(p);
  cJSON_Delete(item);
  return out;
}

}  // namespace m2mauth_test
