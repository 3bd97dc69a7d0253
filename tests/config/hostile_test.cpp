// Hostile input to the configuration loader and to every file the library reads: files that are not
// regular (FIFO, directory, device, socket) refused at once, a size cap, strict types and decimal
// numbers, the core's ranges (not the schema's), and strings with an embedded NUL refused, never cut.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "config_support.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/key.hpp"

using namespace m2mauth_test;

namespace {

const std::string kBase = R"("token_url": "https://as.example/t", "client_id": "i")";

std::string oauth2(const std::string &members) { return R"({"oauth2": {)" + kBase + ", " + members + "}}"; }

// Files that are not regular, made once in the suite's folder: name -> path.
struct Specials {
  std::string fifo, dir, socket, device = "/dev/null";
  Specials() {
    fifo = servers().dir() + "/hostile.fifo";
    dir = servers().dir() + "/hostile.dir";
    socket = servers().dir() + "/hostile.sock";
    ::unlink(fifo.c_str());
    ::unlink(socket.c_str());
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    ::mkdir(dir.c_str(), 0700);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(socket.size() < sizeof addr.sun_path);
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    ::close(fd);  // the socket file stays
  }
  std::vector<std::pair<const char *, std::string>> all() const {
    return {{"a FIFO", fifo}, {"a directory", dir}, {"a socket", socket}, {"a character device", device}};
  }
};

const Specials &specials() {
  static const Specials s;
  return s;
}

// Runs f, which must throw at once (a FIFO must never block), and returns its error.
Error quick_error(const std::function<void()> &f) {
  auto start = std::chrono::steady_clock::now();
  Error e = error_of(f);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  return e;
}

}  // namespace

TEST_CASE("hostile files: a FIFO, directory, socket or device is refused at once wherever a file is read") {
  Key key = Key::generate_ec(Curve::p256);
  Certificate cert = Certificate::self_signed(key, "hostile", 1);
  for (const auto &[kind, path] : specials().all()) {
    CAPTURE(kind);
    // Caller path APIs: Error(io) naming the role, the path and what the file is.
    Error e = quick_error([&] { Key::from_file(path, nullptr); });
    CHECK(e.code() == Errc::io);
    CHECK(contains(e.what(), "key file"));
    CHECK(contains(e.what(), path));
    CHECK(contains(e.what(), kind));
    e = quick_error([&] { Certificate::from_file(path); });
    CHECK(e.code() == Errc::io);
    CHECK(contains(e.what(), kind));
    e = quick_error([&] { Config::from_file(path, false); });
    CHECK(e.code() == Errc::io);
    CHECK(contains(e.what(), "configuration file"));
    // Files the configuration names: Error(config) naming the key.
    e = quick_error([&] { load(oauth2(R"("client_secret_file": )" + quoted(path))); });
    CHECK(e.code() == Errc::config);
    std::string m = e.what();
    CHECK(contains(m, "oauth2.client_secret_file"));
    CHECK(contains(m, kind));
    m = config_error([&] { load(oauth2(R"("private_key_file": )" + quoted(path))); });
    CHECK(contains(m, "oauth2.private_key_file"));
    CHECK(contains(m, kind));
    m = config_error([&] { load(R"({"http": {"client_key_passphrase_file": )" + quoted(path) + "}}"); });
    CHECK(contains(m, "http.client_key_passphrase_file"));
    // Files libcurl reads: checked before the transport exists.
    m = config_error([&] { make_transport(load(R"({"http": {"ca_file": )" + quoted(path) + "}}")); });
    CHECK(contains(m, "ca_file"));
    CHECK(contains(m, kind));
    m = config_error([&] { make_transport(load(R"({"http": {"client_cert": )" + quoted(path) + "}}")); });
    CHECK(contains(m, "client_cert"));
  }
  // A symlink to a regular file is read (container secret mounts are symlinks).
  const std::string secret_file = write_temp("hostile-secret", "Zq9-linked-secret\n");
  const std::string key_file = write_temp("hostile-key.pem", key.private_pem(nullptr));
  const std::string cert_file = write_temp("hostile-cert.pem", cert.pem());
  for (const std::string &target : {secret_file, key_file, cert_file}) ::unlink((target + ".link").c_str());
  REQUIRE(::symlink(secret_file.c_str(), (secret_file + ".link").c_str()) == 0);
  REQUIRE(::symlink(key_file.c_str(), (key_file + ".link").c_str()) == 0);
  REQUIRE(::symlink(cert_file.c_str(), (cert_file + ".link").c_str()) == 0);
  Config c = load(oauth2(R"("client_secret_file": )" + quoted(secret_file + ".link") + R"(, "private_key_file": )" +
                         quoted(key_file + ".link")));
  CHECK(client_config_from(c).client_secret.reveal() == "Zq9-linked-secret");
  CHECK(Key::from_file(key_file + ".link", nullptr).has_private());
  CHECK(Certificate::from_file(cert_file + ".link").pem() == cert.pem());
  make_transport(load(R"({"http": {"ca_file": )" + quoted(cert_file + ".link") + "}}"));
  // A symlink to a FIFO is a FIFO.
  ::unlink((secret_file + ".fifo-link").c_str());
  REQUIRE(::symlink(specials().fifo.c_str(), (secret_file + ".fifo-link").c_str()) == 0);
  CHECK(contains(config_error([&] { load(oauth2(R"("client_secret_file": )" + quoted(secret_file + ".fifo-link"))); }),
                 "a FIFO"));
}

TEST_CASE("hostile files: the 1 MiB cap, and an error never holds the content") {
  const std::string big(std::size_t{1} << 20, 'Q');
  const std::string over = write_temp("hostile-big", big + "Q");
  const std::string at_cap = write_temp("hostile-at-cap", big);
  Error e = error_of([&] { Key::from_file(over, nullptr); });
  CHECK(e.code() == Errc::too_large);
  CHECK_FALSE(contains(e.what(), "QQQQ"));
  CHECK(error_of([&] { Certificate::from_file(over); }).code() == Errc::too_large);
  CHECK(error_of([&] { Config::from_file(over, false); }).code() == Errc::too_large);
  std::string m = config_error([&] { load(oauth2(R"("client_secret_file": )" + quoted(over))); });
  CHECK(contains(m, "oauth2.client_secret_file"));
  CHECK(contains(m, "larger than 1048576 bytes"));
  CHECK_FALSE(contains(m, "QQQQ"));
  CHECK(client_config_from(load(oauth2(R"("client_secret_file": )" + quoted(at_cap)))).client_secret.reveal() == big);
  // A secret file with a NUL byte is refused (a passphrase would be cut at it), naming the file only.
  const std::string nul = write_temp("hostile-nul", std::string("Zq9-before\0after", 16));
  m = config_error([&] { load(oauth2(R"("client_secret_file": )" + quoted(nul))); });
  CHECK(contains(m, "NUL byte"));
  CHECK_FALSE(contains(m, "Zq9-before"));
  // Empty paths and paths with a NUL byte never reach open().
  CHECK(error_of([] { Key::from_file(std::string("/etc/passwd\0x", 13), nullptr); }).code() == Errc::invalid_argument);
  CHECK(error_of([] { Certificate::from_file(""); }).code() == Errc::invalid_argument);
}

TEST_CASE("strict types: every key has one type; a string is not a list") {
  std::string m = config_error([] { load(R"({"oauth2": {"resource": "https://rs.example/"}})"); });
  CHECK(contains(m, "oauth2.resource must be a list of strings"));
  CHECK(contains(m, "not a string"));
  for (auto [json, expected] : {std::pair<const char *, const char *>{R"({"http": {"timeout_ms": "5000"}})", "http.timeout_ms must be an integer"},
                                {R"({"http": {"timeout_ms": null}})", "http.timeout_ms must be an integer, not null"},
                                {R"({"http": {"insecure_skip_verify": 1}})", "http.insecure_skip_verify must be true or false, not a number"},
                                {R"({"http": {"proxy": ["a"]}})", "http.proxy must be a string, not a list"},
                                {R"({"oauth2": {"params": ["a"]}})", "oauth2.params must be an object of strings, not a list"},
                                {R"({"oauth2": {"params": {"a": true}}})", "oauth2.params.a must be a string, not a boolean"},
                                {R"({"oauth2": {"refresh_fraction": "0.5"}})", "oauth2.refresh_fraction must be a number, not a string"},
                                {R"({"oauth2": {"scope": {"a": "b"}}})", "oauth2.scope must be a string, not an object"}}) {
    CAPTURE(json);
    CHECK(contains(config_error([&] { load(json); }), expected));
  }
  // The environment's documented forms: a list is comma-separated, an object is JSON text.
  Config c = load_env({{"M2MAUTH_OAUTH2_RESOURCE", "https://a.example/, urn:b"}, {"M2MAUTH_OAUTH2_PARAMS", R"({"t": "x"})"}});
  CHECK(c.get("oauth2.resource") == R"(["https://a.example/","urn:b"])");
  CHECK(c.get("oauth2.params") == R"({"t":"x"})");
}

TEST_CASE("numbers are decimal, exact and range-checked, from the file and from the environment") {
  for (const char *json : {R"({"http": {"timeout_ms": 1.0}})", R"({"http": {"timeout_ms": 1e3}})",
                           R"({"http": {"timeout_ms": 1000.5}})", R"({"http": {"timeout_ms": 0x10}})",
                           R"({"http": {"timeout_ms": +5}})", R"({"http": {"timeout_ms": 010}})",
                           R"({"http": {"timeout_ms": .5}})", R"({"http": {"timeout_ms": 9223372036854775808}})",
                           R"({"http": {"timeout_ms": 1e400}})", R"({"oauth2": {"refresh_fraction": 1e400}})",
                           R"({"oauth2": {"refresh_fraction": NaN}})", R"({"oauth2": {"refresh_fraction": Infinity}})",
                           R"({"oauth2": {"refresh_fraction": 0x0.8}})"}) {
    CAPTURE(json);
    config_error([&] { load(json); });
  }
  CHECK(contains(config_error([] { load(R"({"http": {"timeout_ms": 1e3}})"); }), "decimal digits, no fraction or exponent"));
  CHECK(contains(config_error([] { load(R"({"http": {"timeout_ms": 9223372036854775808}})"); }), "http.timeout_ms is out of range"));
  CHECK(contains(config_error([] { load(R"({"oauth2": {"refresh_fraction": 1e400}})"); }), "oauth2.refresh_fraction is out of range"));
  for (auto [name, value] : {std::pair<const char *, const char *>{"M2MAUTH_HTTP_TIMEOUT_MS", "0x10"},
                             {"M2MAUTH_HTTP_TIMEOUT_MS", "+5"},
                             {"M2MAUTH_HTTP_TIMEOUT_MS", "5 "},
                             {"M2MAUTH_HTTP_TIMEOUT_MS", "5.0"},
                             {"M2MAUTH_HTTP_TIMEOUT_MS", "1e3"},
                             {"M2MAUTH_HTTP_TIMEOUT_MS", "99999999999999999999"},
                             {"M2MAUTH_HTTP_TIMEOUT_MS", ""},
                             {"M2MAUTH_OAUTH2_REFRESH_FRACTION", "0x0.8p0"},
                             {"M2MAUTH_OAUTH2_REFRESH_FRACTION", "0x1p-1"},
                             {"M2MAUTH_OAUTH2_REFRESH_FRACTION", "nan"},
                             {"M2MAUTH_OAUTH2_REFRESH_FRACTION", "inf"},
                             {"M2MAUTH_OAUTH2_REFRESH_FRACTION", ".5"},
                             {"M2MAUTH_OAUTH2_REFRESH_FRACTION", "0,5"},
                             {"M2MAUTH_OAUTH2_REFRESH_FRACTION", "1e999"}}) {
    CAPTURE(name);
    CAPTURE(value);
    CHECK(contains(config_error([&] { load_env({{name, value}}); }), name));
  }
  Config c = load(R"({"http": {"timeout_ms": 0, "connect_timeout_ms": 86400000}, "oauth2": {"refresh_fraction": 5e-1, "jitter_fraction": 0.25}})");
  CHECK(c.get("http.timeout_ms") == "0");
  CHECK(manager_options_from(c).refresh_fraction == 0.5);
  CHECK(load_env({{"M2MAUTH_HTTP_TIMEOUT_MS", "-0"}, {"M2MAUTH_OAUTH2_JITTER_FRACTION", "0.125"}}).get("oauth2.jitter_fraction") == "0.125");
}

TEST_CASE("ranges are the core's: the loader runs its rules at load time and names the key") {
  // Values the core accepts are accepted (the schema once refused refresh_fraction 0.01 and wait_timeout_ms 0).
  Config c = load(R"({"oauth2": {"refresh_fraction": 0.01, "wait_timeout_ms": 0, "backoff_base_ms": 1, "backoff_max_ms": 1}})");
  ManagerOptions m = manager_options_from(c);
  CHECK(m.refresh_fraction == 0.01);
  CHECK(m.wait_timeout_ms == 0);
  struct Case {
    std::string json;
    const char *key;
  };
  for (const Case &k : {Case{R"({"oauth2": {"refresh_fraction": 0}})", "oauth2.refresh_fraction"},
                        Case{R"({"oauth2": {"refresh_fraction": 1.5}})", "oauth2.refresh_fraction"},
                        Case{R"({"oauth2": {"jitter_fraction": 0.6}})", "oauth2.jitter_fraction"},
                        Case{R"({"oauth2": {"wait_timeout_ms": -1}})", "oauth2.wait_timeout_ms"},
                        Case{R"({"oauth2": {"expiry_skew_ms": 86400001}})", "oauth2.expiry_skew_ms"},
                        Case{R"({"oauth2": {"backoff_base_ms": 0}})", "oauth2.backoff_base_ms"},
                        Case{R"({"oauth2": {"backoff_base_ms": 5000, "backoff_max_ms": 100}})", "oauth2.backoff_max_ms"},
                        Case{R"({"oauth2": {"assertion_lifetime_s": 5}})", "oauth2.assertion_lifetime_s"},
                        Case{R"({"http": {"timeout_ms": -1}})", "http.timeout_ms"},
                        Case{R"({"http": {"connect_timeout_ms": 86400001}})", "http.connect_timeout_ms"},
                        Case{R"({"http": {"max_response_bytes": 1073741825}})", "http.max_response_bytes"},
                        Case{R"({"http": {"max_response_bytes": -1}})", "http.max_response_bytes must not be negative"}}) {
    CAPTURE(k.json);
    CHECK(contains(config_error([&] { load(k.json); }), k.key));
  }
  // The same rule from the environment.
  CHECK(contains(config_error([] { load_env({{"M2MAUTH_OAUTH2_REFRESH_FRACTION", "0"}}); }), "oauth2.refresh_fraction"));
}

TEST_CASE("a string with an embedded NUL is refused, naming the key, never cut short") {
  for (auto [json, key] : {std::pair<std::string, const char *>{oauth2(R"("scope": "api\u0000.evil")"), "oauth2.scope"},
                           {R"({"oauth2": {"token_url": "https://as.example/t", "client_id": "i\u0000x"}})", "oauth2.client_id"},
                           {oauth2(R"("client_secret": "Zq9-a\u0000Zq9-b")"), "oauth2.client_secret"},
                           {oauth2(R"("client_secret_file": "/etc/passwd\u0000x")"), "oauth2.client_secret_file"},
                           {oauth2(R"("client_secret_env": "HOME\u0000x")"), "oauth2.client_secret_env"},
                           {oauth2(R"("resource": ["urn:a", "urn:b\u0000c"])"), "oauth2.resource"},
                           {oauth2(R"("params": {"t": "a\u0000b"})"), "oauth2.params"},
                           {oauth2(R"("params": {"t\u0000x": "a"})"), "oauth2.params"},
                           {oauth2(R"("auth_method": "none\u0000x")"), "oauth2.auth_method"},
                           {oauth2(R"("client_secret\u0000x": "s")"), "section \"oauth2\""},
                           {R"({"oauth2\u0000x": {}})", "section name"}}) {
    CAPTURE(json);
    std::string m = config_error([&] { load(json); });
    CHECK(contains(m, key));
    CHECK(contains(m, "NUL"));
    CHECK_FALSE(contains(m, "Zq9"));
  }
  // An escaped backslash before "u0000" is text, not a NUL.
  CHECK(load(oauth2(R"("scope": "a\\u0000b")")).get("oauth2.scope") == "a\\u0000b");
  // The environment (only an injected one can hold a NUL) and variables behind X_env.
  CHECK(contains(config_error([] { load_env({{"M2MAUTH_OAUTH2_SCOPE", std::string("a\0b", 3)}}); }), "NUL"));
  CHECK(contains(config_error([] { load_env({{"M2MAUTH_OAUTH2_PARAMS", R"({"t": "a\u0000b"})"}}); }), "NUL"));
  std::string m = config_error([] { load(oauth2(R"("client_secret_env": "S")"), {{"S", std::string("Zq9\0x", 5)}}); });
  CHECK(contains(m, "NUL"));
  CHECK_FALSE(contains(m, "Zq9"));
}
