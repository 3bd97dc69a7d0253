// The test server's lifecycle (socket, accept loop, one thread per connection) and its knobs.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <cerrno>

#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/json.hpp"
#include "testing/server_impl.hpp"

namespace m2mauth::core::testing {

namespace {

constexpr std::size_t kMaxConnections = 64;

Key client_key(const ClientRegistration &reg) {
  if (reg.method == ClientAuth::client_secret_jwt) {
    return Key::from_secret(reinterpret_cast<const std::uint8_t *>(reg.secret.data()), reg.secret.size());
  }
  std::string_view text = reg.public_key;
  Key key = text.find("-----BEGIN") != std::string_view::npos ? Key::from_pem(text, nullptr) : key_from_jwk(text);
  if (key.type() == KeyType::oct) fail(Errc::key_type, "public_key must be an asymmetric key");
  return key.public_only();
}

}  // namespace

TokenServer::TokenServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  const ServerOptions &o = impl_->options;
  if (o.request_client_cert && !o.tls) fail(Errc::invalid_argument, "request_client_cert needs tls");
  // The knobs the admin interface also sets: their setters hold the rules.
  impl_->set_lifetime(o.token_lifetime_s);
  impl_->set_token_format(o.token_format);
  impl_->set_clock_offset(o.clock_offset_s);
  if (!o.extra_claims_json.empty()) json_parse_object(o.extra_claims_json, "extra_claims_json");
  if (o.max_body_bytes == 0 || o.max_body_bytes > (16u << 20))
    fail(Errc::invalid_argument, "max_body_bytes must be 1 to 16 MiB");
  if (o.max_headers == 0 || o.max_headers > 1000) fail(Errc::invalid_argument, "max_headers must be 1 to 1000");
  if (o.read_timeout_ms < 1 || o.read_timeout_ms > 600000)
    fail(Errc::invalid_argument, "read_timeout_ms must be 1 to 600000");
  if (o.dpop_nonce.size() > 1024) fail(Errc::invalid_argument, "dpop_nonce must have at most 1024 bytes");
  for (char c : o.dpop_nonce)  // RFC 9449 section 8.1: NQCHAR, visible ASCII but '"' and '\'
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
      fail(Errc::invalid_argument, "dpop_nonce must be visible ASCII without '\"' or '\\'");
  if (!o.admin_token.empty()) {
    if (o.admin_token.size() < 16 || o.admin_token.size() > 256)
      fail(Errc::invalid_argument, "admin_token must have 16 to 256 characters");
    for (char c : o.admin_token)  // a Bearer token (RFC 6750 section 2.1, b64token)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~' || c == '+' || c == '/' || c == '='))
        fail(Errc::invalid_argument, "admin_token must hold only A-Z a-z 0-9 - . _ ~ + / =");
  }
  impl_->limits.max_body_bytes = o.max_body_bytes;
  impl_->limits.max_headers = o.max_headers;
  impl_->limits.read_timeout_ms = o.read_timeout_ms;
  impl_->kid = jwk_thumbprint(impl_->signing_key);
  impl_->signing_key = impl_->signing_key.with_kid(impl_->kid);
  if (o.tls) impl_->tls = make_tls_context(impl_->signing_key, o.request_client_cert);
}

TokenServer::~TokenServer() { stop(); }

void TokenServer::start() {
  Impl &s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.started) fail(Errc::state, "the test server is already started");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(Errc::io, "cannot create the test server's socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
    close(fd);
    fail(Errc::io, "cannot listen on 127.0.0.1");
  }
  if (pipe2(s.wake, O_CLOEXEC) != 0) {
    close(fd);
    fail(Errc::io, "cannot create the test server's wake pipe");
  }
  s.listen_fd = fd;
  s.base_url = std::string(s.options.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  s.started = true;
  s.acceptor = std::thread([&s] { s.accept_loop(); });
}

void TokenServer::stop() {
  Impl &s = *impl_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.started || s.stopping.exchange(true)) return;
    for (int fd : s.open_fds) shutdown(fd, SHUT_RDWR);
  }
  s.stop_cv.notify_all();
  char byte = 1;
  ssize_t ignored = write(s.wake[1], &byte, 1);
  (void)ignored;
  if (s.acceptor.joinable()) s.acceptor.join();
  std::vector<Impl::Worker> workers;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    for (int fd : s.open_fds) shutdown(fd, SHUT_RDWR);
    workers.swap(s.workers);
  }
  for (auto &w : workers) w.thread.join();
  close(s.listen_fd);
  close(s.wake[0]);
  close(s.wake[1]);
  s.listen_fd = s.wake[0] = s.wake[1] = -1;
}

void TokenServer::Impl::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake[0], POLLIN, 0}};
    int ready = poll(fds, 2, 1000);
    if (stopping.load()) return;
    {
      // Join the threads of connections that are done.
      std::lock_guard<std::mutex> lock(mu);
      for (std::size_t i = 0; i < workers.size();) {
        if (workers[i].done->load()) {
          workers[i].thread.join();
          workers[i] = std::move(workers.back());
          workers.pop_back();
        } else {
          ++i;
        }
      }
    }
    if (ready <= 0 || (fds[0].revents & POLLIN) == 0) continue;
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu);
    if (workers.size() >= kMaxConnections || stopping.load()) {
      close(fd);
      continue;
    }
    open_fds.insert(fd);
    auto done = std::make_shared<std::atomic<bool>>(false);
    try {
      workers.push_back(Worker{std::thread([this, fd, done] {
                                 serve(fd);
                                 done->store(true);
                               }),
                               done});
    } catch (...) {
      open_fds.erase(fd);
      close(fd);
    }
  }
}

void TokenServer::Impl::serve(int fd) {
  SSL *ssl = nullptr;
  if (tls.ctx) {
    ssl = SSL_new(tls.ctx.get());
    if (ssl != nullptr) SSL_set_fd(ssl, fd);
  }
  {
    Connection conn(fd, ssl);
    if ((!tls.ctx || ssl != nullptr) && conn.handshake(monotonic_ms() + limits.read_timeout_ms)) {
      WireRequest req;
      int status = conn.read_request(limits, req);
      std::string response;
      if (status == 0) {
        try {
          response = handle(req, ssl);
        } catch (const std::exception &) {
          response = wire_response(500, "application/json", "{\"error\":\"server_error\"}");
        }
      } else if (status > 0) {
        count("");
        count("rejected");
        response = wire_response(status, "text/plain", "request refused by the test server\n");
      }
      if (!response.empty()) conn.write_all(response);
    }
    std::lock_guard<std::mutex> lock(mu);
    open_fds.erase(fd);
  }  // closes fd only after it left open_fds, so stop() never shuts down a reused descriptor
  ERR_clear_error();
}

void TokenServer::Impl::count(const std::string &name) {
  std::lock_guard<std::mutex> lock(mu);
  ++counters[name];
}

std::int64_t TokenServer::Impl::now_s() const { return system_now_ms() / 1000 + clock_offset_s.load(); }

std::string TokenServer::url() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (!impl_->started) fail(Errc::state, "the test server is not started");
  return impl_->base_url;
}

std::string TokenServer::ca_pem() const { return impl_->tls.cert_pem; }

void TokenServer::add_client(ClientRegistration reg) {
  if (reg.id.empty() || reg.id.size() > 256) fail(Errc::invalid_argument, "client id must have 1 to 256 bytes");
  for (char c : reg.id)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail(Errc::invalid_argument, "client id holds a control character");
  Client client;
  switch (reg.method) {
    case ClientAuth::client_secret_basic:
    case ClientAuth::client_secret_post:
      if (reg.secret.empty()) fail(Errc::invalid_argument, "secret is required for client_secret_basic/post");
      break;
    case ClientAuth::client_secret_jwt:
      if (reg.secret.size() < 32) fail(Errc::invalid_argument, "secret must have at least 32 bytes for client_secret_jwt");
      client.key = std::make_shared<Key>(client_key(reg));
      break;
    case ClientAuth::private_key_jwt:
      if (reg.public_key.empty()) fail(Errc::invalid_argument, "public_key is required for private_key_jwt");
      client.key = std::make_shared<Key>(client_key(reg));
      break;
    case ClientAuth::tls_client_auth:
      if (reg.tls_subject.empty() && reg.tls_thumbprint.empty())
        fail(Errc::invalid_argument, "tls_subject or tls_thumbprint is required for tls_client_auth");
      if (!impl_->options.request_client_cert)
        fail(Errc::invalid_argument, "tls_client_auth needs a server made with request_client_cert");
      break;
    default:
      fail(Errc::invalid_argument, "unknown client authentication method");
  }
  client.reg = std::move(reg);
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::string id = client.reg.id;
  impl_->clients[id] = std::move(client);
}

void TokenServer::Impl::fail_next(unsigned int count, Failure f) {
  if (f.http_status < 400 || f.http_status > 599) fail(Errc::invalid_argument, "http_status must be 400 to 599");
  for (char c : f.oauth_error)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') fail(Errc::invalid_argument, "oauth_error must be printable ASCII");
  if (f.retry_after_s > 86400) fail(Errc::invalid_argument, "retry_after_s must be at most 86400");
  std::lock_guard<std::mutex> lock(mu);
  fail_count = count;
  failure = std::move(f);
}

void TokenServer::Impl::stall(unsigned int count, std::int64_t ms) {
  if (ms < 0 || ms > 600000) fail(Errc::invalid_argument, "stall must be 0 to 600000 ms");
  std::lock_guard<std::mutex> lock(mu);
  stall_count = count;
  stall_ms = ms;
}

void TokenServer::Impl::set_lifetime(std::int64_t seconds) {
  if (seconds < 1 || seconds > kTenYearsS) fail(Errc::invalid_argument, "token_lifetime_s must be 1 s to 10 years");
  lifetime_s.store(seconds);
}

void TokenServer::Impl::set_clock_offset(std::int64_t seconds) {
  if (seconds < -kTenYearsS || seconds > kTenYearsS)
    fail(Errc::invalid_argument, "clock_offset_s must be within 10 years");
  clock_offset_s.store(seconds);
}

void TokenServer::Impl::set_token_format(TokenFormat format) {
  if (format != TokenFormat::opaque && format != TokenFormat::jwt)
    fail(Errc::invalid_argument, "token_format must be opaque or jwt");
  token_format.store(format);
}

void TokenServer::Impl::revoke_all() {
  std::lock_guard<std::mutex> lock(mu);
  tokens.clear();
}

std::string TokenServer::Impl::counters_json() const {
  std::map<std::string, std::uint64_t> all;
  for (const char *name : {"token", "introspection", "jwks", "discovery", "other", "failed", "rejected", "traced",
                           "dpop", "dpop_refused", "grant:client_credentials"})
    all[name] = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto &c : counters) all[c.first] = c.second;
  }
  std::string out = "{\"requests\":" + std::to_string(all[""]);
  for (const auto &c : all) {
    if (c.first.empty()) continue;
    out += ",";
    json_quote_append(out, c.first);
    out += ":" + std::to_string(c.second);
  }
  return out + "}";
}

void TokenServer::fail_next(unsigned int count, Failure failure) { impl_->fail_next(count, std::move(failure)); }

void TokenServer::stall(unsigned int count, std::int64_t ms) { impl_->stall(count, ms); }

std::uint64_t TokenServer::requests(const std::string &counter) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->counters.find(counter);
  return it == impl_->counters.end() ? 0 : it->second;
}

void TokenServer::revoke_all() { impl_->revoke_all(); }

}  // namespace m2mauth::core::testing
