// The file store (one host): the directory rules, atomic entries, leases, compare-and-delete; the
// cache key; the shared cache's policy over a file store with a local fetch standing in for the server.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "cache/file_store.hpp"
#include "cache/shared_cache.hpp"
#include "code_of.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/shared_cache.hpp"
#include "temp_dir.hpp"

using namespace m2mauth::core;
using m2mauth_test::TempDir;
using m2mtest::code_of;

namespace {

StoreDeadline soon() { return std::chrono::steady_clock::now() + std::chrono::milliseconds(500); }

SecretString key32(char c = 'k') { return SecretString(std::string(32, c)); }

Token token_of(const std::string &value, std::int64_t lifetime_ms = 60000) {
  Token t;
  t.access_token = SecretString(value);
  t.token_type = "Bearer";
  t.issued_at_ms = system_now_ms();
  t.expires_at_ms = t.issued_at_ms + lifetime_ms;
  t.scope = "api.read";
  return t;
}

}  // namespace

TEST_CASE("file store: a new directory is made 0700, a shared or foreign one is refused with a config error") {
  TempDir tmp("m2mauth-cache");
  const std::string dir = tmp.path + "/cache";
  make_file_store(dir);
  struct stat st;
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  for (mode_t mode : {0770, 0707, 0777, 0720}) {
    const std::string d = tmp.path + "/m" + std::to_string(mode);
    REQUIRE(::mkdir(d.c_str(), 0700) == 0);
    REQUIRE(::chmod(d.c_str(), mode) == 0);
    std::string msg;
    CHECK(code_of([&] { make_file_store(d); }, &msg) == Errc::config);
    CHECK(msg.find("cache.path") != std::string::npos);
    CHECK(msg.find("writable by group or others") != std::string::npos);
  }
  // A symbolic link and a file are refused too.
  const std::string link = tmp.path + "/link";
  REQUIRE(::symlink(dir.c_str(), link.c_str()) == 0);
  CHECK(code_of([&] { make_file_store(link); }) == Errc::config);
  std::ofstream(tmp.path + "/file") << "x";
  CHECK(code_of([&] { make_file_store(tmp.path + "/file"); }) == Errc::config);
  if (::geteuid() == 0) {
    // Root owns everything: a directory of another user shows the ownership rule.
    const std::string other = tmp.path + "/other";
    REQUIRE(::mkdir(other.c_str(), 0700) == 0);
    REQUIRE(::chown(other.c_str(), 65534, 65534) == 0);
    std::string msg;
    CHECK(code_of([&] { make_file_store(other); }, &msg) == Errc::config);
    CHECK(msg.find("not owned by this user") != std::string::npos);
  }
}

TEST_CASE("file store: entries, ttl, compare-and-delete, leases, file names from hashes only") {
  TempDir tmp("m2mauth-cache");
  auto store = make_file_store(tmp.path + "/c");
  const std::string key = "../../etc/passwd:key";  // a hostile prefix never reaches a path
  CHECK_FALSE(store->get(key, soon()));
  store->put(key, "v1", 60000, soon());
  CHECK(store->get(key, soon()) == std::string("v1"));
  store->remove_if(key, "other", soon());
  CHECK(store->get(key, soon()) == std::string("v1"));
  store->remove_if(key, "v1", soon());
  CHECK_FALSE(store->get(key, soon()));
  store->put(key, "short", 30, soon());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  CHECK_FALSE(store->get(key, soon()));  // expired
  // Leases: one holder at a time; release by the holder only.
  CHECK(store->acquire(key, "a", 60000, soon()));
  CHECK_FALSE(store->acquire(key, "b", 60000, soon()));
  store->release(key, "b", soon());
  CHECK_FALSE(store->acquire(key, "b", 60000, soon()));
  store->release(key, "a", soon());
  CHECK(store->acquire(key, "b", 60000, soon()));
  store->release(key, "b", soon());
  // A holder past its lease is taken over.
  CHECK(store->acquire(key, "slow", 20, soon()));
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  CHECK(store->acquire(key, "next", 60000, soon()));
  CHECK_FALSE(store->acquire(key, "third", 60000, soon()));
  // Only hex names in the directory.
  std::string listing;
  FILE *p = popen(("ls -A '" + tmp.path + "/c'").c_str(), "r");
  char buf[256];
  while (fgets(buf, sizeof buf, p) != nullptr) listing += buf;
  pclose(p);
  for (char c : listing) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '\n'));
  // wait(): returns the next put, or nothing at its deadline.
  store->put(key, "w1", 60000, soon());
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    make_file_store(tmp.path + "/c")->put(key, "w2", 60000, soon());
  });
  auto got = store->wait(key, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  writer.join();
  CHECK(got == std::string("w2"));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(store->wait(key, t0 + std::chrono::milliseconds(100)));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

TEST_CASE("cache key: every field changes it, hex under the prefix, no client id or secret in clear") {
  ClientConfig c;
  c.token_url = "https://idp.example/token";
  c.client_id = "my-client-id";
  c.client_secret = SecretString("s3cret-value");
  c.scope.scope = "api.read";
  const std::string base = shared_cache_key(c, c.scope, "pre:");
  CHECK(base.rfind("pre:", 0) == 0);
  CHECK(base.size() == 4 + 64);
  CHECK(base.find("my-client-id") == std::string::npos);
  CHECK(base.find("s3cret") == std::string::npos);
  CHECK(shared_cache_key(c, c.scope, "pre:") == base);
  auto differs = [&](const std::function<void(ClientConfig &, TokenScope &)> &change) {
    ClientConfig d = c;
    TokenScope s = c.scope;
    change(d, s);
    return shared_cache_key(d, s, "pre:") != base;
  };
  CHECK(differs([](ClientConfig &d, TokenScope &) { d.token_url += "2"; }));
  CHECK(differs([](ClientConfig &d, TokenScope &) { d.client_id += "2"; }));
  CHECK(differs([](ClientConfig &d, TokenScope &) { d.auth = ClientAuth::client_secret_post; }));
  CHECK(differs([](ClientConfig &, TokenScope &s) { s.scope = "api.write"; }));
  CHECK(differs([](ClientConfig &, TokenScope &s) { s.audience = "aud"; }));
  CHECK(differs([](ClientConfig &, TokenScope &s) { s.resources = {"https://r"}; }));
  CHECK(differs([](ClientConfig &d, TokenScope &) { d.extra_params = {{"a", "b"}}; }));
  CHECK(differs([](ClientConfig &, TokenScope &s) { s.dpop_jkt = "thumb"; }));
  CHECK(differs([](ClientConfig &, TokenScope &s) { s.exchange_key = "xh"; }));
  // Fields do not run into each other.
  CHECK(differs([](ClientConfig &, TokenScope &s) { s.scope = "api.rea"; s.audience = "d"; }));
  // The secret is not part of the key (rotating it keeps the tokens).
  CHECK_FALSE(differs([](ClientConfig &d, TokenScope &) { d.client_secret = SecretString("other"); }));
}

TEST_CASE("shared cache: one fetch then hits, wrong key and corrupted entries ignored and replaced, 401 removes") {
  TempDir tmp("m2mauth-cache");
  SharedCacheOptions o;
  o.kind = "file";
  o.path = tmp.path + "/c";
  o.key = key32();
  o.lease_ms = 500;
  auto a = make_shared_token_cache(o);
  auto b = make_shared_token_cache(o);
  std::atomic<int> fetches{0};
  int n = 0;
  auto local = [&] { ++fetches; return token_of("tok-" + std::to_string(++n)); };
  std::vector<TokenEventKind> notes;
  auto note = [&](TokenEventKind k) { notes.push_back(k); };
  const Clock clock = system_clock();
  Token t1 = a->fetch("k1", "", 30000, clock, nullptr, local, note);
  CHECK(t1.access_token.reveal() == "tok-1");
  Token t2 = b->fetch("k1", "", 30000, clock, nullptr, local, note);
  CHECK(t2.access_token.reveal() == "tok-1");
  CHECK(fetches == 1);
  CHECK(notes.back() == TokenEventKind::shared_hit);
  // The holder of tok-1 refreshing gets a new token; the other then takes it.
  Token t3 = a->fetch("k1", "tok-1", 30000, clock, nullptr, local, note);
  CHECK(t3.access_token.reveal() == "tok-2");
  CHECK(b->fetch("k1", "tok-1", 30000, clock, nullptr, local, note).access_token.reveal() == "tok-2");
  CHECK(fetches == 2);
  // Another key's cache: the entry does not open, is ignored and replaced.
  o.key = key32('x');
  auto other = make_shared_token_cache(o);
  CHECK(other->fetch("k1", "", 30000, clock, nullptr, local, note).access_token.reveal() == "tok-3");
  CHECK(fetches == 3);
  CHECK(a->fetch("k1", "", 30000, clock, nullptr, local, note).access_token.reveal() == "tok-4");  // replaced again
  CHECK(fetches == 4);
  // A corrupted entry: every file of the directory overwritten with junk.
  std::system(("for f in '" + o.path + "'/*.tok; do printf 'junkjunkjunkjunk' > \"$f\"; done").c_str());
  CHECK(b->fetch("k1", "", 30000, clock, nullptr, local, note).access_token.reveal() == "tok-5");
  CHECK(a->fetch("k1", "", 30000, clock, nullptr, local, note).access_token.reveal() == "tok-5");
  CHECK(fetches == 5);
  // A 401 of tok-5: the entry goes (only while it still holds tok-5).
  a->invalidated("k1", "tok-4");  // not what is stored: nothing happens
  CHECK(b->fetch("k1", "", 30000, clock, nullptr, local, note).access_token.reveal() == "tok-5");
  a->invalidated("k1", "tok-5");
  CHECK(b->fetch("k1", "", 30000, clock, nullptr, local, note).access_token.reveal() == "tok-6");
  // An entry about to expire (inside this reader's skew) is not served.
  Token near = a->fetch("k2", "", 30000, clock, nullptr, [&] { ++fetches; return token_of("near", 1000); }, note);
  CHECK(near.access_token.reveal() == "near");
  CHECK(b->fetch("k2", "", 30000, clock, nullptr, [&] { ++fetches; return token_of("later"); }, note).access_token.reveal() ==
        "near");  // skew capped at lifetime/10: still valid
  auto later_clock = [] { return system_now_ms() + 950; };
  CHECK(b->fetch("k2", "", 30000, later_clock, nullptr, [&] { ++fetches; return token_of("later"); }, note)
            .access_token.reveal() == "later");
}

TEST_CASE("shared cache: a store that fails falls back to the local fetch within fallback_ms") {
  struct Broken : SharedStore {
    std::optional<std::string> get(const std::string &, StoreDeadline) override { fail(Errc::network, "down"); }
    void put(const std::string &, std::string_view, std::int64_t, StoreDeadline) override { fail(Errc::network, "down"); }
    bool acquire(const std::string &, const std::string &, std::int64_t, StoreDeadline) override {
      fail(Errc::network, "down");
    }
    void release(const std::string &, const std::string &, StoreDeadline) override {}
    void remove_if(const std::string &, std::string_view, StoreDeadline) override { fail(Errc::network, "down"); }
    std::optional<std::string> wait(const std::string &, StoreDeadline) override { fail(Errc::network, "down"); }
    std::string describe() const override { return "{}"; }
  };
  SharedCacheOptions o;
  o.kind = "custom";
  o.key = key32();
  auto c = make_shared_token_cache(o, std::make_unique<Broken>());
  std::vector<TokenEventKind> notes;
  int fetches = 0;
  Token t = c->fetch("k", "", 30000, system_clock(), nullptr, [&] { ++fetches; return token_of("local"); },
                     [&](TokenEventKind k) { notes.push_back(k); });
  CHECK(t.access_token.reveal() == "local");
  CHECK(fetches == 1);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == TokenEventKind::shared_fallback);
  c->invalidated("k", "local");  // no throw
  // Errors of the local fetch itself propagate (and are not fetched twice).
  fetches = 0;
  CHECK(code_of([&] {
          c->fetch("k", "", 30000, system_clock(), nullptr, [&]() -> Token { ++fetches; fail(Errc::oauth, "invalid_client"); },
                   [](TokenEventKind) {});
        }) == Errc::oauth);
  CHECK(fetches == 1);
}

TEST_CASE("shared cache options: validated, described with the password redacted, redis not built") {
  SharedCacheOptions o;
  o.kind = "redis";
  o.url = "redis://app:hunter2@127.0.0.1:6379/0";
  o.key = key32();
  CHECK(o.describe().find("hunter2") == std::string::npos);
  CHECK(o.describe().find("redis://app:***@127.0.0.1:6379/0") != std::string::npos);
  std::string msg;
  const Errc redis = code_of([&] { make_shared_token_cache(o); }, &msg);
  CHECK((redis == Errc::unsupported || redis == Errc::config || redis == Errc::network || redis == Errc::ok));
  o.kind = "file";
  o.path = "";
  CHECK(code_of([&] { o.validate(); }) == Errc::config);
  o.path = "/tmp/x";
  o.key = SecretString("short");
  CHECK(code_of([&] { o.validate(); }, &msg) == Errc::config);
  CHECK(msg.find("cache.key") != std::string::npos);
  o.key = key32();
  o.lease_ms = 0;
  CHECK(code_of([&] { o.validate(); }) == Errc::config);
  o.lease_ms = 100;
  o.fallback_ms = 0;
  CHECK(code_of([&] { o.validate(); }) == Errc::config);
  o.fallback_ms = 10;
  o.prefix = "a b";
  CHECK(code_of([&] { o.validate(); }) == Errc::config);
  o.kind = "nope";
  o.prefix = "p:";
  CHECK(code_of([&] { o.validate(); }) == Errc::config);
  o.kind = "memory";
  CHECK(make_shared_token_cache(o) == nullptr);
}
