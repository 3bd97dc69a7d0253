// DPoP (RFC 9449) in the core: proofs checked field by field, the keys refused, nonce challenges, and the
// token client and manager against oidc-provider (its DPoP feature, with and without nonces) and a resource
// server that verifies proofs with PyJWT and jwcrypto (tests/servers/dpop_resource.py).
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "oauth2_support.hpp"

using namespace m2mauth_test;
using namespace m2mauth::core;

namespace {

// The authorization servers: oidc-provider as it ships (DPoP on) and in nonce mode.
Servers &auth_servers() {
  static Servers instance({"oidc", "oidcn=oidc"}, {"oidcn.dpop_nonce=true"});
  return instance;
}

// Resource servers: one checking bindings through the first oidc's introspection, one in nonce mode.
Servers &resource_servers() {
  static Servers instance({"rs=dpop", "rsn=dpop"},
                          {"rs.introspect=" + auth_servers()["oidc"].str("introspection_endpoint"), "rsn.nonce=true",
                           "rsn.iat_window=60"});
  return instance;
}

std::string introspection_json(const std::string &url, const std::string &token) {
  std::string secret = client_field("introspector", "client_secret");
  std::string cmd =
      "python3 -c " +
      shell_quote("import sys,json,base64,urllib.request as u,urllib.parse as p;"
                  "a=base64.b64encode((p.quote_plus(sys.argv[2])+':'+p.quote_plus(sys.argv[3])).encode()).decode();"
                  "r=u.Request(sys.argv[1],data=p.urlencode({'token':sys.argv[4]}).encode(),"
                  "headers={'Authorization':'Basic '+a,'Content-Type':'application/x-www-form-urlencoded'});"
                  "print(json.dumps(json.load(u.urlopen(r,timeout=10))))") +
      " " + shell_quote(url) + " introspector " + shell_quote(secret) + " " + shell_quote(token);
  FILE *p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::string json_str(const std::string &json, const char *a, const char *b = nullptr) {
  Json root = json_parse(json);
  const cJSON *v = json_get(root.get(), a);
  if (b != nullptr) v = json_get(v, b);
  return cJSON_IsString(v) ? v->valuestring : "";
}

struct Proof {
  std::string header, claims;
};

Proof decode(const std::string &proof, const Key &verify_with, Alg alg) {
  JwsSegments seg = jws_segments(proof, 1 << 16);
  Proof p{base64url_decode_string(seg.header_b64), jws_verify(verify_with, proof, alg_bit(alg))};
  return p;
}

std::int64_t json_int(const std::string &json, const char *name) {
  Json root = json_parse(json);
  const cJSON *v = json_get(root.get(), name);
  return cJSON_IsNumber(v) ? static_cast<std::int64_t>(v->valuedouble) : -1;
}

std::shared_ptr<TokenClient> dpop_client(const std::string &token_url, std::shared_ptr<Dpop> dpop,
                                         Clock clock = system_clock()) {
  ClientConfig cfg = client_config("svc-basic", token_url);
  cfg.dpop = std::move(dpop);
  return std::make_shared<TokenClient>(cfg, loopback_transport(), clock);
}

}  // namespace

TEST_CASE("htu: scheme and host lower-cased, default port removed, no query or fragment") {
  CHECK(dpop_htu("HTTPS://Api.Example.COM:443/a/B?x=1#frag") == "https://api.example.com/a/B");
  CHECK(dpop_htu("http://example.com:80") == "http://example.com/");
  CHECK(dpop_htu("http://127.0.0.1:8080/p?q") == "http://127.0.0.1:8080/p");
  CHECK(dpop_htu("https://[::1]:8443/x") == "https://[::1]:8443/x");
  CHECK(dpop_origin("https://Example.com:443/a?b") == "https://example.com");
  CHECK_THROWS_AS(dpop_htu("ftp://example.com/"), Error);
}

TEST_CASE("a proof has every member RFC 9449 section 4.2 asks for, and no private key member") {
  auto dpop = Dpop::generate();
  CHECK(dpop->alg() == Alg::es256);
  CHECK(dpop->key().curve() == Curve::p256);
  CHECK(dpop->thumbprint() == jwk_thumbprint(dpop->key().public_only()));
  CHECK(dpop->thumbprint().size() == 43);
  const std::int64_t now = system_now_ms() / 1000;
  std::string proof = dpop->proof("POST", "https://RS.example.com:443/api/x?y=1#z", "tok.en", nullptr, now);
  Proof p = decode(proof, dpop->key().public_only(), Alg::es256);
  CHECK(json_str(p.header, "typ") == "dpop+jwt");
  CHECK(json_str(p.header, "alg") == "ES256");
  CHECK(json_str(p.header, "jwk", "kty") == "EC");
  CHECK(json_str(p.header, "jwk", "crv") == "P-256");
  CHECK(json_str(p.header, "jwk", "d").empty());
  CHECK(p.header.find("\"d\"") == std::string::npos);
  CHECK(json_str(p.claims, "htm") == "POST");
  CHECK(json_str(p.claims, "htu") == "https://rs.example.com/api/x");
  CHECK(json_int(p.claims, "iat") == now);
  CHECK(json_str(p.claims, "ath") == dpop_ath("tok.en"));
  CHECK(json_str(p.claims, "ath") == base64url_encode(digest(HashAlg::sha256, "tok.en")));
  CHECK(json_str(p.claims, "nonce").empty());
  std::string jti = json_str(p.claims, "jti");
  CHECK(jti.size() == 22);  // 128 bits, base64url
  CHECK(base64url_decode(jti).size() == 16);
  // A token request's proof has no ath; every proof has its own jti.
  Proof q = decode(dpop->proof("POST", "https://as.example.com/token", {}, nullptr, now), dpop->key().public_only(),
                   Alg::es256);
  CHECK(q.claims.find("\"ath\"") == std::string::npos);
  CHECK(json_str(q.claims, "jti") != jti);
}

TEST_CASE("ES256 proofs: each verifies, a fresh signature nonce each, a forked child signs its own") {
  auto dpop = Dpop::generate();
  auto r_of = [](const std::string &proof) {
    std::string sig = base64url_decode_string(proof.substr(proof.rfind('.') + 1));
    return sig.substr(0, 32);
  };
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string proof = dpop->proof("GET", "https://rs.example/x", "t", nullptr, 7);
    decode(proof, dpop->key().public_only(), Alg::es256);  // throws unless it verifies
    CHECK(seen.insert(r_of(proof)).second);
  }
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::string r = r_of(dpop->proof("GET", "https://rs.example/x", "t", nullptr, 7));
    _exit(write(fds[1], r.data(), r.size()) == static_cast<ssize_t>(r.size()) ? 0 : 1);
  }
  close(fds[1]);
  char buf[32];
  REQUIRE(read(fds[0], buf, sizeof buf) == 32);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  const std::string child_r(buf, 32);
  CHECK(seen.count(child_r) == 0);
  for (int i = 0; i < 80; ++i) CHECK(r_of(dpop->proof("GET", "https://rs.example/x", "t", nullptr, 7)) != child_r);
}

TEST_CASE("proof keys: Ed25519, RSA (RS256, PS256) allowed; HMAC, public-only and misfit algorithms refused") {
  auto ed = Dpop(Key::generate_ed25519());
  CHECK(ed.alg() == Alg::eddsa);
  decode(ed.proof("GET", "http://127.0.0.1/x", {}, nullptr, 1), ed.key().public_only(), Alg::eddsa);
  Key rsa = Key::generate_rsa(2048);
  CHECK(Dpop(rsa).alg() == Alg::rs256);
  Dpop ps(rsa, static_cast<int>(Alg::ps256));
  decode(ps.proof("GET", "http://127.0.0.1/x", {}, nullptr, 1), rsa.public_only(), Alg::ps256);
  auto code_of = [](auto &&fn) {
    try {
      fn();
    } catch (const Error &e) {
      return e.code();
    }
    return Errc::ok;
  };
  CHECK(code_of([] { Dpop d(Key::generate_hmac(32)); }) == Errc::key_type);
  CHECK(code_of([&] { Dpop d(rsa.public_only()); }) == Errc::no_private);
  CHECK(code_of([&] { Dpop d(rsa, static_cast<int>(Alg::es256)); }) == Errc::key_type);
  CHECK(code_of([&] { Dpop d(rsa, static_cast<int>(Alg::hs256)); }) == Errc::key_type);
  CHECK(code_of([&] { Dpop d(rsa, 99); }) == Errc::algorithm);
  CHECK(code_of([] { Dpop::generate()->proof("GE T", "http://127.0.0.1/", {}, nullptr, 1); }) == Errc::invalid_argument);
}

TEST_CASE("nonces: remembered per origin, newest wins, hostile values ignored") {
  Dpop d(Key::generate_ec(Curve::p256));
  CHECK(d.nonce_for("https://a.example/x").empty());
  CHECK(d.remember_nonce("https://A.example:443/token", "n-1"));
  CHECK(d.nonce_for("https://a.example/other?q") == "n-1");
  CHECK(d.nonce_for("https://b.example/").empty());
  CHECK(d.remember_nonce("https://a.example/", "n-2"));
  CHECK_FALSE(d.remember_nonce("https://a.example/", "n-2"));
  Proof p = decode(d.proof("GET", "https://a.example/r", "t", nullptr, 5), d.key().public_only(), Alg::es256);
  CHECK(json_str(p.claims, "nonce") == "n-2");
  std::string given = "explicit";
  p = decode(d.proof("GET", "https://a.example/r", "t", &given, 5), d.key().public_only(), Alg::es256);
  CHECK(json_str(p.claims, "nonce") == "explicit");
  // ### Hostile input: a nonce that is not RFC 9449 NQCHAR text or longer than 1024 bytes is ignored.
  CHECK_FALSE(d.remember_nonce("https://a.example/", "has \"quote\""));
  CHECK_FALSE(d.remember_nonce("https://a.example/", "ctl\x01"));
  CHECK_FALSE(d.remember_nonce("https://a.example/", std::string(Dpop::kMaxNonce + 1, 'n')));
  CHECK(d.nonce_for("https://a.example/") == "n-2");
  // At most kMaxOrigins origins are remembered.
  for (std::size_t i = 0; i < Dpop::kMaxOrigins + 10; ++i)
    d.remember_nonce("https://h" + std::to_string(i) + ".example/", "v");
  CHECK(d.nonce_for("https://a.example/").empty());
  CHECK(d.nonce_for("https://h" + std::to_string(Dpop::kMaxOrigins + 9) + ".example/") == "v");
}

TEST_CASE("nonce challenges: 400 use_dpop_nonce, 401 with a DPoP use_dpop_nonce challenge; nothing else") {
  Response r;
  r.status = 400;
  r.body = R"({"error":"use_dpop_nonce","error_description":"x"})";
  CHECK(dpop_nonce_challenge(r));
  r.body = R"({"error":"invalid_dpop_proof"})";
  CHECK_FALSE(dpop_nonce_challenge(r));
  r.body = "not json";
  CHECK_FALSE(dpop_nonce_challenge(r));
  r.status = 401;
  r.body.clear();
  r.headers = {{"www-authenticate", R"(DPoP algs="ES256", error="use_dpop_nonce", error_description="n")"}};
  CHECK(dpop_nonce_challenge(r));
  r.headers = {{"WWW-Authenticate", R"(Bearer error="use_dpop_nonce")"}};
  CHECK_FALSE(dpop_nonce_challenge(r));
  r.headers = {{"WWW-Authenticate", R"(Bearer realm="x", DPoP error="use_dpop_nonce")"}};
  CHECK(dpop_nonce_challenge(r));
  r.headers = {{"WWW-Authenticate", R"(DPoP error="invalid_token")"}};
  CHECK_FALSE(dpop_nonce_challenge(r));
}

TEST_CASE("oidc-provider issues a DPoP-bound token (token_type DPoP, cnf.jkt = our thumbprint)") {
  ServerInfo oidc = auth_servers()["oidc"];
  auto dpop = Dpop::generate();
  auto client = dpop_client(oidc.str("token_endpoint"), dpop);
  Token t = client->fetch();
  CHECK(t.token_type == "DPoP");
  CHECK(t.authorization_scheme() == "DPoP");
  std::string info = introspection_json(oidc.str("introspection_endpoint"), t.access_token.reveal());
  CHECK(json_str(info, "cnf", "jkt") == dpop->thumbprint());
  // Without DPoP the same client gets a Bearer token.
  TokenClient plain(client_config("svc-basic", oidc.str("token_endpoint")), loopback_transport());
  CHECK(plain.fetch().authorization_scheme() == "Bearer");
}

TEST_CASE("oidc-provider in nonce mode: use_dpop_nonce is answered by one retry with its nonce") {
  ServerInfo oidcn = auth_servers()["oidcn"];
  for (Key key : {Key::generate_ec(Curve::p256), Key::generate_ed25519(), Key::generate_rsa(2048)}) {
    auto dpop = std::make_shared<Dpop>(key);
    auto client = dpop_client(oidcn.str("token_endpoint"), dpop);
    Token t = client->fetch();
    CHECK(t.token_type == "DPoP");
    CHECK_FALSE(dpop->nonce_for(oidcn.str("token_endpoint")).empty());
    // The nonce is remembered: the next request needs no retry (and still succeeds).
    CHECK(client->fetch().token_type == "DPoP");
  }
  // Without DPoP the nonce mode does not matter.
  TokenClient plain(client_config("svc-basic", oidcn.str("token_endpoint")), loopback_transport());
  CHECK(plain.fetch().authorization_scheme() == "Bearer");
}

TEST_CASE("managed requests: Authorization: DPoP + a proof the resource server verifies and binds") {
  ServerInfo oidc = auth_servers()["oidc"];
  ServerInfo rs = resource_servers()["rs"];
  control(rs.str("control_url") + "/reset", "POST", "{}");
  auto dpop = Dpop::generate();
  TokenManager m(dpop_client(oidc.str("token_endpoint"), dpop));
  CHECK(m.get().scheme == "DPoP");
  for (const char *method : {"GET", "POST", "DELETE"}) {
    Request req;
    req.method = method;
    req.url = rs.str("api_url") + "/things?page=2";
    Response resp = m.request(req);
    REQUIRE(resp.status == 200);
    CHECK(json_str(resp.body, "jkt") == dpop->thumbprint());
    CHECK(json_str(resp.body, "claims", "htm") == method);
  }
  std::string stats = control(rs.str("control_url") + "/stats");
  CHECK(stat_int(stats, "accepted") == 3);
  CHECK(stat_int(stats, "rejected") == 0);
  // authorize() for the application's own HTTP client sets both headers.
  Request own;
  own.method = "PUT";
  own.url = rs.str("api_url") + "/own";
  m.authorize(own);
  REQUIRE(own.header("DPoP") != nullptr);
  CHECK(own.header("Authorization")->rfind("DPoP ", 0) == 0);
}

TEST_CASE("the cache key includes the DPoP key's thumbprint") {
  ServerInfo oidc = auth_servers()["oidc"];
  auto dpop = Dpop::generate();
  TokenManager m(dpop_client(oidc.str("token_endpoint"), dpop));
  TokenScope other;
  other.scope = "api.read";
  TokenView v = m.get(other);
  CHECK(v.scheme == "DPoP");
  std::string first(v.access_token);
  // The same key asked for again (the manager adds the thumbprint whatever the caller passes).
  other.dpop_jkt = "someone else's";
  CHECK(std::string(m.get(other).access_token) == first);
  TokenKeyRef ref{"api.read", {}, nullptr, 0};
  TokenKeyRef with = ref;
  with.dpop_jkt = dpop->thumbprint();
  CHECK(ref.hash() != with.hash());
  TokenScope owned = with.owned();
  CHECK(owned.dpop_jkt == dpop->thumbprint());
  CHECK_FALSE(ref.matches(owned));
  CHECK(with.matches(owned));
}

TEST_CASE("resource server nonces: one retry, remembered for later requests, never a loop") {
  ServerInfo oidc = auth_servers()["oidc"];
  ServerInfo rsn = resource_servers()["rsn"];
  const std::string ctl = rsn.str("control_url");
  control(ctl + "/reset", "POST", "{}");
  auto dpop = Dpop::generate();
  TokenManager m(dpop_client(oidc.str("token_endpoint"), dpop));
  Request req;
  req.url = rsn.str("api_url") + "/n";
  CHECK(m.request(req).status == 200);
  CHECK(stat_int(control(ctl + "/stats"), "nonce_challenges") == 1);
  CHECK(m.request(req).status == 200);
  CHECK(stat_int(control(ctl + "/stats"), "nonce_challenges") == 1);  // the remembered nonce was used
  // A rotated nonce: answered with one retry; and the nonce of a success response is taken as well.
  control(ctl + "/rotate_nonce", "POST", "{}");
  CHECK(m.request(req).status == 200);
  std::string stats = control(ctl + "/stats");
  CHECK(stat_int(stats, "nonce_challenges") == 2);
  CHECK(stat_int(stats, "accepted") == 3);
  // A server that asks for a new nonce every time: one retry for the nonce, one with a new token, no loop.
  control(ctl + "/nonce_loop", "POST", "{}");
  const int before = stat_int(control(ctl + "/stats"), "requests");
  CHECK(m.request(req).status == 401);
  CHECK(stat_int(control(ctl + "/stats"), "requests") - before <= 3);
  control(ctl + "/reset", "POST", "{}");
}

TEST_CASE("resource server: a replayed proof is refused, iat outside the server's window is refused") {
  ServerInfo rsn = resource_servers()["rsn"];
  const std::string ctl = rsn.str("control_url");
  control(ctl + "/reset", "POST", "{}");
  auto dpop = Dpop::generate();
  auto transport = loopback_transport();
  const std::string url = rsn.str("api_url") + "/replay";
  Request probe;
  probe.url = url;
  Response first = transport->send(probe);  // learns the nonce
  REQUIRE(dpop->observe(url, first));
  auto send_with = [&](const std::string &proof) {
    Request r;
    r.url = url;
    r.set_header("Authorization", "DPoP tok");
    r.set_header("DPoP", proof);
    return transport->send(r);
  };
  const std::int64_t now = system_now_ms() / 1000;
  std::string proof = dpop->proof("GET", url, "tok", nullptr, now);
  CHECK(send_with(proof).status == 200);
  Response replay = send_with(proof);
  CHECK(replay.status == 401);
  CHECK(json_str(replay.body, "error_description") == "jti replayed");
  CHECK(send_with(dpop->proof("GET", url, "tok", nullptr, now - 30)).status == 200);  // within 60 s
  CHECK(send_with(dpop->proof("GET", url, "tok", nullptr, now - 120)).status == 401);
  CHECK(send_with(dpop->proof("GET", url, "tok", nullptr, now + 120)).status == 401);
  CHECK(send_with(dpop->proof("POST", url, "tok", nullptr, now)).status == 401);     // htm
  CHECK(send_with(dpop->proof("GET", url, "other", nullptr, now)).status == 401);    // ath
  std::string stats = control(ctl + "/stats");
  CHECK(stat_int(stats, "replays") == 1);
}

TEST_CASE("a Bearer answer to a DPoP token request is used as a Bearer token (RFC 9449 section 5)") {
  ServerInfo fault = servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST", "{}");
  control(fault.str("control_url") + "/script", "POST", R"([{"token_type":"Bearer"}])");
  auto dpop = Dpop::generate();
  auto client = dpop_client(fault.str("token_endpoint"), dpop);
  Request built = client->build_request(client->config().scope);
  REQUIRE(built.header("DPoP") != nullptr);
  TokenManager m(client);
  TokenView v = m.get();
  CHECK(v.scheme == "Bearer");
  Request own;
  own.url = "http://127.0.0.1:1/x";
  own.set_header("DPoP", "stale");
  m.authorize(own);
  CHECK(own.header("DPoP") == nullptr);
  CHECK(own.header("Authorization")->rfind("Bearer ", 0) == 0);
}
