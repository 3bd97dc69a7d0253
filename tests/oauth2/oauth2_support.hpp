// Shared helpers of the OAuth 2.0 suites.
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "loopback.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/core/oauth2.hpp"

namespace m2mauth_test {

using namespace m2mauth::core;

inline std::shared_ptr<Transport> loopback_transport() {
  HttpConfig cfg;
  cfg.timeout_ms = 10000;
  return make_curl_transport(cfg);
}

inline Key client_key(const std::string &client_id) {
  return Key::from_file(servers_dir() + "/" + client_field(client_id, "private_key"), nullptr);
}

// A configuration for one of the clients of tests/servers/clients.json against token_url.
inline ClientConfig client_config(const std::string &client_id, const std::string &token_url) {
  ClientConfig c;
  c.token_url = token_url;
  c.client_id = client_id;
  std::string method = client_field(client_id, "token_endpoint_auth_method");
  c.auth = client_auth_from_name(method);
  if (c.auth == ClientAuth::private_key_jwt) c.private_key = client_key(client_id);
  else c.client_secret = SecretString(client_field(client_id, "client_secret"));
  return c;
}

// RFC 7662 introspection by the `introspector` client, done with Python's urllib (independent of m2mauth).
inline bool introspect_active(const std::string &introspection_url, const std::string &token) {
  std::string secret = client_field("introspector", "client_secret");
  std::string cmd =
      "python3 -c " +
      shell_quote("import sys,json,base64,urllib.request as u,urllib.parse as p;"
                  "a=base64.b64encode((p.quote_plus(sys.argv[2])+':'+p.quote_plus(sys.argv[3])).encode()).decode();"
                  "r=u.Request(sys.argv[1],data=p.urlencode({'token':sys.argv[4]}).encode(),"
                  "headers={'Authorization':'Basic '+a,'Content-Type':'application/x-www-form-urlencoded'});"
                  "print(json.load(u.urlopen(r,timeout=10)).get('active'))") +
      " " + shell_quote(introspection_url) + " introspector " + shell_quote(secret) + " " + shell_quote(token);
  FILE *p = popen(cmd.c_str(), "r");
  char buf[64] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  return std::string(buf, n).find("True") != std::string::npos;
}

// The suite's servers, started once on first use and stopped at exit (by pid, through harness.py).
inline Servers &servers() {
  static Servers instance({"oidc", "authlib", "fault"});
  return instance;
}

// The fault server with its script, statistics and tokens reset.
inline ServerInfo fresh_fault_server() {
  ServerInfo fault = servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST", "{}");
  return fault;
}

// A clock the test moves.
struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(system_now_ms());
  Clock clock() const {
    auto p = ms;
    return [p] { return p->load(); };
  }
  void advance_s(std::int64_t s) { ms->fetch_add(s * 1000); }
};

inline int stat_int(const std::string &stats_json, const char *field) {
  cJSON *root = cJSON_Parse(stats_json.c_str());
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, field);
  int n = cJSON_IsNumber(v) ? static_cast<int>(v->valuedouble) : -1;
  cJSON_Delete(root);
  return n;
}

}  // namespace m2mauth_test
