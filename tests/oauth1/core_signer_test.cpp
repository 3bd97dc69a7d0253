// The signer itself: configuration checks, protocol options (version, callback, verifier, extra
// parameters), nonces from the CSPRNG (format, uniqueness, fork safety), the injectable clock,
// and many threads signing with one signer.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "reference.hpp"

using namespace m2mauth::core;

namespace {

Oauth1Config base_config() {
  Oauth1Config c;
  c.consumer_key = "ck";
  c.consumer_secret = SecretString("CONSUMER-SECRET-xyz");
  c.token = "tk";
  c.token_secret = SecretString("TOKEN-SECRET-xyz");
  return c;
}

Request get(const std::string &url) {
  Request r;
  r.url = url;
  return r;
}

Error error_of(const std::function<void()> &fn) {
  try {
    fn();
  } catch (const Error &e) {
    return e;
  }
  return Error(Errc::ok, "");
}

bool valid_nonce(const std::string &n) {
  if (n.size() != 26) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  return true;
}

}  // namespace

TEST_CASE("signer: configuration errors") {
  auto build = [](const std::function<void(Oauth1Config &)> &change) {
    return error_of([&] {
      Oauth1Config c = base_config();
      change(c);
      Oauth1Signer s(c);
    });
  };
  CHECK(build([](Oauth1Config &c) { c.consumer_key.clear(); }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.method = static_cast<Oauth1Method>(6); }).code() == Errc::algorithm);
  CHECK(build([](Oauth1Config &c) { c.placement = static_cast<Oauth1Placement>(0); }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.realm = "a\r\nX-Injected: 1"; }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.fixed_nonce = ""; }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.fixed_timestamp = -1; }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.extra_params = {{"x_custom", "1"}}; }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.extra_params = {{"oauth_", "1"}}; }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.extra_params = {{"oauth_nonce", "1"}}; }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.extra_params = {{"oauth_signature", "1"}}; }).code() == Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.extra_params = {{"oauth_a", "1"}, {"oauth_a", "2"}}; }).code() ==
        Errc::invalid_argument);
  CHECK(build([](Oauth1Config &c) { c.extra_params = {{"oauth_body_hash", "x"}, {"oauth_z", ""}}; }).code() == Errc::ok);
}

TEST_CASE("signer: errors never quote the secrets") {
  Oauth1Config c = base_config();
  c.method = Oauth1Method::rsa_sha256;
  Request r = get("http://h/p?oauth_x=1");
  std::string messages;
  messages += error_of([&] { Oauth1Signer(c).sign(r); }).what();
  c.method = Oauth1Method::hmac_sha1;
  messages += error_of([&] { Oauth1Signer(c).sign(r); }).what();
  Request bad = get("http://h/p?x=%zz");
  messages += error_of([&] { Oauth1Signer(c).sign(bad); }).what();
  c.realm = "\x01";
  messages += error_of([&] { Oauth1Signer s(c); }).what();
  CHECK(messages.find("SECRET") == std::string::npos);
  CHECK(!messages.empty());
}

TEST_CASE("signer: oauth_version can be omitted") {
  Oauth1Config c = base_config();
  CHECK(Oauth1Signer(c).steps(get("http://h/"), "n", 1).normalized_parameters.find("oauth_version=1.0") !=
        std::string::npos);
  c.include_version = false;
  Oauth1Steps s = Oauth1Signer(c).steps(get("http://h/"), "n", 1);
  CHECK(s.normalized_parameters.find("oauth_version") == std::string::npos);
  CHECK(s.signed_request.header("Authorization")->find("oauth_version") == std::string::npos);
}

TEST_CASE("signer: without a token there is no oauth_token, and the token secret still keys the HMAC") {
  Oauth1Config c = base_config();
  c.token.reset();
  Oauth1Steps s = Oauth1Signer(c).steps(get("http://h/"), "n", 1);
  CHECK(s.normalized_parameters.find("oauth_token") == std::string::npos);
  CHECK(s.signature ==
        oauth1_ref::hmac_b64(EVP_sha1(), "CONSUMER-SECRET-xyz&TOKEN-SECRET-xyz", s.base_string));
}

TEST_CASE("signer: callback, verifier and extra protocol parameters are sent and signed") {
  Oauth1Config c = base_config();
  c.callback = "https://client.example/cb?x=1";
  c.verifier = "v 1";
  c.extra_params = {{"oauth_body_hash", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="}, {"oauth_session_handle", "s"}};
  for (auto where : {Oauth1Placement::header, Oauth1Placement::query, Oauth1Placement::body}) {
    INFO(std::string(oauth1_placement_name(where)));
    c.placement = where;
    Request r;
    r.method = "POST";
    r.url = "http://h/p";
    Oauth1Steps s = Oauth1Signer(c).steps(r, "n", 1);
    CHECK(s.normalized_parameters.find("oauth_callback=https%3A%2F%2Fclient.example%2Fcb%3Fx%3D1") != std::string::npos);
    CHECK(s.normalized_parameters.find("oauth_verifier=v%201") != std::string::npos);
    CHECK(s.normalized_parameters.find("oauth_body_hash=2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D") != std::string::npos);
    oauth1_ref::Received got = oauth1_ref::receive(s.signed_request);
    CHECK(got.oauth.at("oauth_callback") == "https://client.example/cb?x=1");
    CHECK(got.oauth.at("oauth_verifier") == "v 1");
    CHECK(got.oauth.at("oauth_session_handle") == "s");
    CHECK(got.signature == oauth1_ref::hmac_b64(EVP_sha1(), "CONSUMER-SECRET-xyz&TOKEN-SECRET-xyz",
                                                oauth1_ref::base_string(got)));
  }
}

TEST_CASE("signer: random nonces are 26 characters of base32 and do not repeat") {
  Oauth1Signer s(base_config());
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    std::string n = s.nonce();
    REQUIRE(valid_nonce(n));
    seen.insert(n);
  }
  CHECK(seen.size() == 20000);
}

TEST_CASE("signer: sign() uses a fresh nonce each time, or the fixed one") {
  Oauth1Config c = base_config();
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    Request r = get("http://h/");
    Oauth1Signer(c).sign(r);
    seen.insert(oauth1_test::parse_authorization(*r.header("Authorization")).at("oauth_nonce"));
  }
  CHECK(seen.size() == 100);
  c.fixed_nonce = "fixed nonce";
  Request r = get("http://h/");
  Oauth1Signer(c).sign(r);
  CHECK(oauth1_test::parse_authorization(*r.header("Authorization")).at("oauth_nonce") == "fixed%20nonce");
}

TEST_CASE("signer: a fork()ed child does not reuse its parent's nonce bytes") {
  Oauth1Signer s(base_config());
  s.nonce();  // fills this thread's batch
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::string n = s.nonce();
    ssize_t w = write(fds[1], n.data(), n.size());
    _exit(w == static_cast<ssize_t>(n.size()) ? 0 : 1);
  }
  close(fds[1]);
  char buf[26] = {};
  ssize_t got = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(got == 26);
  CHECK(WIFEXITED(status));
  std::string child(buf, 26), parent = s.nonce();
  CHECK(valid_nonce(child));
  CHECK(child != parent);
}

TEST_CASE("signer: the timestamp comes from the injected clock, in seconds") {
  Oauth1Config c = base_config();
  std::atomic<std::int64_t> now{1234567890999};
  c.clock = [&] { return now.load(); };
  Oauth1Signer s(c);
  CHECK(s.timestamp() == 1234567890);
  now = 1700000000000;
  Request r = get("http://h/");
  s.sign(r);
  CHECK(oauth1_test::parse_authorization(*r.header("Authorization")).at("oauth_timestamp") == "1700000000");
  c.fixed_timestamp = 42;
  CHECK(Oauth1Signer(c).timestamp() == 42);
  c.fixed_timestamp.reset();
  c.clock = [] { return std::int64_t{-5}; };
  CHECK(error_of([&] { Oauth1Signer(c).timestamp(); }).code() == Errc::config);
}

TEST_CASE("signer: the system clock is used by default") {
  Oauth1Signer s(base_config());
  std::int64_t t = s.timestamp();
  CHECK(t >= system_now_ms() / 1000 - 1);
  CHECK(t <= system_now_ms() / 1000);
}

TEST_CASE("signer: copies share one immutable configuration") {
  Oauth1Config c = base_config();
  Oauth1Signer a(c);
  c.consumer_key = "other";
  Oauth1Signer b = a;
  CHECK(a.config().consumer_key == "ck");
  CHECK(b.config().consumer_key == "ck");
  CHECK(&a.config() == &b.config());
}

TEST_CASE("signer: four threads sign with one signer, every signature verifies, nonces never repeat") {
  Oauth1Config c = base_config();
  c.clock = [] { return std::int64_t{1700000000000}; };
  const Oauth1Signer signer(c);
  constexpr int kThreads = 4, kEach = 1500;
  std::vector<std::vector<std::string>> nonces(kThreads);
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Request r = get("http://h/p?thread=" + std::to_string(t) + "&i=" + std::to_string(i));
        signer.sign(r);
        oauth1_ref::Received got = oauth1_ref::receive(r);
        if (got.signature != oauth1_ref::hmac_b64(EVP_sha1(), "CONSUMER-SECRET-xyz&TOKEN-SECRET-xyz",
                                                  oauth1_ref::base_string(got)))
          ++bad;
        nonces[t].push_back(got.oauth.at("oauth_nonce"));
      }
    });
  }
  for (auto &th : threads) th.join();
  CHECK(bad.load() == 0);
  std::set<std::string> all;
  for (auto &v : nonces) all.insert(v.begin(), v.end());
  CHECK(all.size() == static_cast<std::size_t>(kThreads * kEach));
}
