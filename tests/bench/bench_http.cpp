// Benchmark (not a test): authenticated GETs (Authorization: Bearer <JWT-sized token>) over keep-alive
// on loopback, through the m2mauth transport (core and C API) against bare libcurl with one reused
// easy handle, in the same run against the same server. The server is a small C++ HTTP/1.1 keep-alive
// responder in a forked child (one thread per connection), so the client's costs are not hidden
// behind a slow peer.
//
//   build-http/tests/bench/bench_http            M2MAUTH_BENCH_SECONDS=1 (per round) by default
//   bench_http --only bare|core|capi|core_built|manager|dpop --count N   N requests of one contender, nothing else: for
//                                                 valgrind --tool=callgrind (instructions per request
//                                                 are repeatable where wall-clock rates are not)
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "bench_util.hpp"
#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "m2mauth/m2mauth.h"

namespace {

// The token endpoint for the token-manager row: an application transport that answers POST .../token
// in process and sends everything else through the libcurl transport (the token is fetched once; the
// row measures the cached-token path of TokenManager::request).
struct TokenEndpointThenCurl : m2mauth::core::Transport {
  std::shared_ptr<m2mauth::core::Transport> curl;
  std::string token;
  std::string token_type = "Bearer";
  m2mauth::core::Response send(const m2mauth::core::Request &req, const m2mauth::core::CallOptions &o) override {
    if (req.method == "POST" && req.url.size() >= 6 && req.url.compare(req.url.size() - 6, 6, "/token") == 0) {
      m2mauth::core::Response r;
      r.status = 200;
      r.headers.emplace_back("Content-Type", "application/json");
      r.body = "{\"access_token\":\"" + token + "\",\"token_type\":\"" + token_type + "\",\"expires_in\":3600}";
      return r;
    }
    return curl->send(req, o);
  }
};

// ---- the loopback server (child process) -----------------------------------------------------------
const char kResponse[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\nCache-Control: no-store\r\n\r\n"
    "{\"ok\":true,\"items\":[1,2,3]}";
const char kUnauthorized[] =
    "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n";

void serve_connection(int fd) {
  std::string buf;
  char chunk[16384];
  for (;;) {
    std::size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) {
        close(fd);
        return;
      }
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    std::string head = buf.substr(0, end);
    buf.erase(0, end + 4);  // GETs only: no body to skip
    bool authed = head.find("\r\nAuthorization: Bearer ") != std::string::npos ||
                  (head.find("\r\nAuthorization: DPoP ") != std::string::npos && head.find("\r\nDPoP: ey") != std::string::npos);
    const char *resp = authed ? kResponse : kUnauthorized;
    std::size_t len = std::strlen(resp);
    if (write(fd, resp, len) != static_cast<ssize_t>(len)) {
      close(fd);
      return;
    }
  }
}

[[noreturn]] void run_server(int listener) {
  for (;;) {
    int fd = accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread(serve_connection, fd).detach();
  }
}

// Forks the server; returns its pid and port.
pid_t start_server(int *port) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(listener, 64) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
    std::perror("server socket");
    std::exit(1);
  }
  *port = ntohs(addr.sin_port);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
    run_server(listener);
  }
  close(listener);
  return pid;
}

// ---- the contenders -------------------------------------------------------------------------------
std::size_t discard_into(char *data, std::size_t size, std::size_t n, void *out) {
  static_cast<std::string *>(out)->append(data, size * n);
  return size * n;
}

// A bearer token the size of a typical RS256 access token.
std::string token() {
  std::string t = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiYXQrand0In0.";
  while (t.size() < 700) t += "eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20iLCJzdWIiOiJzdmMifQ";
  return t + ".c2lnbmF0dXJl";
}

}  // namespace

int main(int argc, char **argv) {
  std::string only;
  long count = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    if (std::strcmp(argv[i], "--count") == 0) count = std::atol(argv[i + 1]);
  }
  int port = 0;
  pid_t server = start_server(&port);  // before any thread or libcurl state exists in this process
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/things?limit=10";
  const std::string bearer = "Bearer " + token();
  double seconds = bench::env_seconds(1.0);

  // Bare libcurl: one easy handle, options and header list set once, body collected into a string.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *easy = curl_easy_init();
  std::string auth_line = "Authorization: " + bearer;
  curl_slist *headers = curl_slist_append(nullptr, auth_line.c_str());
  std::string sink;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard_into);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &sink);
  long bare_fail = 0;
  auto bare = [&] {
    sink.clear();
    long status = 0;
    if (curl_easy_perform(easy) != CURLE_OK || (curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status), status != 200))
      ++bare_fail;
  };

  // The core transport, sending one prepared Request (like the bare handle's fixed options).
  m2mauth::core::HttpConfig config;
  auto transport = m2mauth::core::make_curl_transport(config);
  m2mauth::core::Request prepared;
  prepared.url = url;
  prepared.set_header("Authorization", bearer);
  long core_fail = 0;
  auto core = [&] {
    if (transport->send(prepared).status != 200) ++core_fail;
  };
  // The same with the Request built for every call, as a signer or the token manager does.
  auto core_built = [&] {
    m2mauth::core::Request req;
    req.url = url;
    req.set_header("Authorization", bearer);
    if (transport->send(req).status != 200) ++core_fail;
  };

  // The token manager: a cached token attached to each request (what applications call).
  auto routed = std::make_shared<TokenEndpointThenCurl>();
  routed->curl = transport;
  routed->token = bearer.substr(7);
  m2mauth::core::ClientConfig client_config;
  client_config.token_url = "http://127.0.0.1:" + std::to_string(port) + "/token";
  client_config.client_id = "bench";
  client_config.client_secret = m2mauth::core::SecretString("bench-secret");
  m2mauth::core::TokenManager manager(std::make_shared<m2mauth::core::TokenClient>(client_config, routed));
  m2mauth::core::Request unauthenticated;
  unauthenticated.url = url;
  long manager_fail = 0;
  auto managed = [&] {
    if (manager.request(unauthenticated).status != 200) ++manager_fail;
  };

  // The same with a DPoP-bound token: Authorization: DPoP plus a fresh ES256 proof (jti, htu, ath) per request.
  auto routed_dpop = std::make_shared<TokenEndpointThenCurl>();
  routed_dpop->curl = transport;
  routed_dpop->token = bearer.substr(7);
  routed_dpop->token_type = "DPoP";
  m2mauth::core::ClientConfig dpop_config = client_config;
  dpop_config.dpop = m2mauth::core::Dpop::generate();
  m2mauth::core::TokenManager dpop_manager(std::make_shared<m2mauth::core::TokenClient>(dpop_config, routed_dpop));
  long dpop_fail = 0;
  auto dpop_managed = [&] {
    if (dpop_manager.request(unauthenticated).status != 200) ++dpop_fail;
  };

  // The C API (what the bindings call): one prepared request, a response made and freed per call.
  m2mauth_http *http = nullptr;
  m2mauth_http_new(&http, nullptr);
  m2mauth_request *creq = nullptr;
  m2mauth_request_new(&creq, "GET", url.c_str());
  m2mauth_request_set_header(creq, "Authorization", bearer.c_str());
  long capi_fail = 0;
  auto capi = [&] {
    m2mauth_response *resp = nullptr;
    if (m2mauth_http_send(&resp, http, creq) != M2MAUTH_OK || m2mauth_response_status(resp) != 200) ++capi_fail;
    m2mauth_response_free(resp);
  };

  if (!only.empty()) {
    std::function<void()> fn = only == "bare"         ? std::function<void()>(bare)
                               : only == "core"       ? std::function<void()>(core)
                               : only == "core_built" ? std::function<void()>(core_built)
                               : only == "manager"    ? std::function<void()>(managed)
                               : only == "dpop"       ? std::function<void()>(dpop_managed)
                                                      : std::function<void()>(capi);
    for (long i = 0; i < count; ++i) fn();
  } else {
    std::printf("authenticated GET over keep-alive, loopback C++ server, %zu-byte bearer token, %.1f s x 5 rounds\n",
                bearer.size() - 7, seconds);
    std::vector<double> r = bench::compare({bare, core, capi, core_built, managed, dpop_managed}, 5, seconds);
    std::printf("  bare libcurl (one easy handle)           %9.0f req/s\n", r[0]);
    std::printf("  m2mauth core Transport::send             %9.0f req/s   %5.1f %% of bare libcurl\n", r[1], 100.0 * r[1] / r[0]);
    std::printf("  m2mauth C API m2mauth_http_send          %9.0f req/s   %5.1f %% of bare libcurl\n", r[2], 100.0 * r[2] / r[0]);
    std::printf("  core, Request built per call (info)      %9.0f req/s   %5.1f %% of bare libcurl\n", r[3], 100.0 * r[3] / r[0]);
    std::printf("  TokenManager::request (cached token)     %9.0f req/s   %5.1f %% of bare libcurl\n", r[4], 100.0 * r[4] / r[0]);
    std::printf("  TokenManager::request, DPoP (ES256 proof) %8.0f req/s   %5.1f %% of the Bearer manager row\n", r[5],
                100.0 * r[5] / r[4]);
    std::printf("  (target: >= 90 %%)   failures: bare %ld, core %ld, C API %ld, manager %ld, DPoP %ld\n", bare_fail,
                core_fail, capi_fail, manager_fail, dpop_fail);
  }

  m2mauth_request_free(creq);
  m2mauth_http_free(http);
  transport.reset();
  curl_slist_free_all(headers);
  curl_easy_cleanup(easy);
  kill(server, SIGKILL);
  waitpid(server, nullptr, 0);
  return bare_fail + core_fail + capi_fail + manager_fail + dpop_fail == 0 ? 0 : 1;
}
