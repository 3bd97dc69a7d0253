// m2mauth-testserver: the token-endpoint test double (testing.h) as a program, for tests in any
// language. Prints "url=<issuer URL>", then "ca_file=<path>" with --tls, then "admin_token=<token>" when it
// made the admin token itself, one key=value line each on stdout; serves (the admin interface under
// <url>/_admin/ unless --no-admin) until SIGTERM or SIGINT, then prints the request counters as one JSON line.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "m2mauth/testing.hpp"

namespace {

const char *kUsage =
    "usage: m2mauth-testserver [options]\n"
    "  --client ID,METHOD,VALUE[,SCOPES]  register a client (repeatable). METHOD and VALUE:\n"
    "      client_secret_basic|client_secret_post|client_secret_jwt  VALUE = the secret, or @FILE\n"
    "      private_key_jwt                  VALUE = a file holding the public key (PEM or JWK)\n"
    "      tls_client_auth                  VALUE = the certificate's SHA-256 thumbprint (base64url),\n"
    "                                       or subject=<RFC 2253 subject>\n"
    "      SCOPES: space-separated scopes the client may ask for\n"
    "  --tls                 HTTPS with a generated certificate (its PEM written to --ca-file)\n"
    "  --mtls                HTTPS asking for client certificates (implies --tls)\n"
    "  --ca-file PATH        where the certificate's PEM goes (default ./m2mauth-testserver-ca.pem)\n"
    "  --lifetime SECONDS    token lifetime (default 3600)\n"
    "  --jwt                 JWT access tokens (default: opaque)\n"
    "  --claims JSON         extra claims of JWT access tokens\n"
    "  --audience AUD        \"aud\" of JWT access tokens (default: the issuer URL)\n"
    "  --clock-offset SECONDS  the server's clock runs this far ahead (negative: behind)\n"
    "  --fail N,STATUS[,ERROR[,RETRY_AFTER]]  the first N token requests fail\n"
    "  --stall N,MS          the first N token requests wait MS milliseconds\n"
    "  --dpop-nonce NONCE    DPoP proofs must carry this server nonce (400 use_dpop_nonce otherwise)\n"
    "  --admin-token TOKEN   the admin interface's token, or @FILE holding it (16 to 256 of A-Z a-z 0-9 -._~+/=);\n"
    "                        default: a random one, printed as admin_token=<token>\n"
    "  --no-admin            no admin interface (<url>/_admin/ answers 404)\n"
    "\n"
    "Output on stdout, one key=value line each, in this order: url=<issuer URL>; ca_file=<path> (with --tls);\n"
    "admin_token=<token> (unless --admin-token or --no-admin). At exit the counters as one JSON line.\n"
    "\n"
    "Admin interface (every request with \"Authorization: Bearer <admin token>\"; 401 otherwise; JSON bodies\n"
    "of at most 4096 bytes, unknown members refused; a POST answers {\"ok\":true}; not counted, never failed or\n"
    "stalled):\n"
    "  POST <url>/_admin/fail_next   {\"count\":1,\"status\":503,\"error\":\"temporarily_unavailable\",\"retry_after\":2}\n"
    "                                count 0..1000000 (default 1), status 400..599 (default 503), error and\n"
    "                                retry_after (0..86400 s) optional\n"
    "  POST <url>/_admin/stall       {\"count\":1,\"ms\":2000}   ms 0..600000 required, count default 1\n"
    "  POST <url>/_admin/lifetime    {\"seconds\":60}           expires_in of tokens issued from now on\n"
    "  POST <url>/_admin/clock_offset {\"seconds\":-120}        the server's clock from now on (-10..10 years)\n"
    "  POST <url>/_admin/token_format {\"format\":\"jwt\"}      opaque or jwt, tokens issued from now on\n"
    "  POST <url>/_admin/revoke_all  (no body)                 every token issued so far becomes inactive\n"
    "  GET  <url>/_admin/counters    {\"requests\":N,\"token\":N,\"failed\":N,...} every counter\n"
    "  Errors: {\"error\":\"invalid_json|unknown_member|invalid_type|out_of_range|...\",\"error_description\":...}\n";

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

std::vector<std::string> split(const std::string &s, char sep, std::size_t max_parts) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (out.size() + 1 < max_parts) {
    std::size_t p = s.find(sep, i);
    if (p == std::string::npos) break;
    out.push_back(s.substr(i, p - i));
    i = p + 1;
  }
  out.push_back(s.substr(i));
  return out;
}

// A command-line number: an optional '-' and 1 to 18 ASCII decimal digits, nothing else (no "0x10", "1e400",
// spaces or a value beyond 64 bits taken as something else); the range is checked by the library.
long long integer(const std::string &text, const std::string &what) {
  std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  if (text.size() == i || text.size() - i > 18)
    throw std::runtime_error(what + " must be a decimal integer (at most 18 digits)");
  for (std::size_t k = i; k < text.size(); ++k)
    if (text[k] < '0' || text[k] > '9') throw std::runtime_error(what + " must be a decimal integer (at most 18 digits)");
  return std::stoll(text);
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

m2mauth::testing::Client parse_client(const std::string &spec) {
  using m2mauth::testing::ClientAuth;
  std::vector<std::string> f = split(spec, ',', 4);
  if (f.size() < 3) throw std::runtime_error("--client needs ID,METHOD,VALUE");
  if (f[0].empty()) throw std::runtime_error("--client: the client id is empty");
  m2mauth::testing::Client c;
  c.client_id = f[0];
  if (f.size() == 4) c.scopes = f[3];
  const std::string &m = f[1];
  std::string value = f[2];
  if (m == "client_secret_basic" || m == "client_secret_post" || m == "client_secret_jwt") {
    c.auth_method = m == "client_secret_basic"  ? ClientAuth::client_secret_basic
                    : m == "client_secret_post" ? ClientAuth::client_secret_post
                                                : ClientAuth::client_secret_jwt;
    if (!value.empty() && value[0] == '@') {
      value = read_file(value.substr(1));
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    }
    c.secret = value;
  } else if (m == "private_key_jwt") {
    c.auth_method = ClientAuth::private_key_jwt;
    c.public_key = read_file(value);
  } else if (m == "tls_client_auth") {
    c.auth_method = ClientAuth::tls_client_auth;
    if (value.rfind("subject=", 0) == 0) {
      c.tls_subject = value.substr(8);
    } else {
      c.tls_thumbprint = value;
    }
  } else {
    throw std::runtime_error("unknown client authentication method (see --help)");
  }
  return c;
}

}  // namespace

int main(int argc, char **argv) {
  try {
    m2mauth::testing::ServerOptions opts;
    std::vector<m2mauth::testing::Client> clients;
    std::string ca_file = "m2mauth-testserver-ca.pem";
    std::vector<std::string> fail, stall;
    std::string admin_token;
    bool admin = true;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--help" || a == "-h") {
        std::cout << kUsage;
        return 0;
      } else if (a == "--client") {
        clients.push_back(parse_client(value()));
      } else if (a == "--tls") {
        opts.tls = true;
      } else if (a == "--mtls") {
        opts.tls = opts.request_client_cert = true;
      } else if (a == "--ca-file") {
        ca_file = value();
      } else if (a == "--lifetime") {
        opts.token_lifetime_s = integer(value(), "--lifetime");
      } else if (a == "--jwt") {
        opts.token_format = m2mauth::testing::TokenFormat::jwt;
      } else if (a == "--claims") {
        opts.extra_claims_json = value();
      } else if (a == "--audience") {
        opts.audience = value();
      } else if (a == "--clock-offset") {
        opts.clock_offset_s = integer(value(), "--clock-offset");
      } else if (a == "--fail") {
        fail = split(value(), ',', 4);
      } else if (a == "--stall") {
        stall = split(value(), ',', 2);
      } else if (a == "--dpop-nonce") {
        opts.dpop_nonce = value();
        if (opts.dpop_nonce->empty()) throw std::runtime_error("--dpop-nonce is empty");
      } else if (a == "--admin-token") {
        admin_token = value();
        if (!admin_token.empty() && admin_token[0] == '@') {
          admin_token = read_file(admin_token.substr(1));
          while (!admin_token.empty() && (admin_token.back() == '\n' || admin_token.back() == '\r')) admin_token.pop_back();
        }
        if (admin_token.empty()) throw std::runtime_error("--admin-token is empty");
      } else if (a == "--no-admin") {
        admin = false;
      } else {
        std::cerr << "m2mauth-testserver: unknown argument " << a << "\n" << kUsage;
        return 2;
      }
    }
    if (!admin && !admin_token.empty()) throw std::runtime_error("--admin-token and --no-admin exclude each other");
    const bool print_admin_token = admin && admin_token.empty();
    if (print_admin_token) admin_token = m2mauth::util::base64url_encode(m2mauth::util::random_bytes(32));
    if (admin) opts.admin_token = admin_token;
    m2mauth::testing::TokenServer server(opts);
    for (const auto &c : clients) server.add_client(c);
    if (!fail.empty()) {
      if (fail.size() < 2) throw std::runtime_error("--fail needs N,STATUS");
      const long long n = integer(fail[0], "--fail N"), status = integer(fail[1], "--fail STATUS");
      if (n < 0 || n > 1000000 || status < 0 || status > 999) throw std::runtime_error("--fail N,STATUS out of range");
      server.fail_next(static_cast<unsigned int>(n), static_cast<int>(status), fail.size() > 2 ? fail[2] : std::string(),
                       fail.size() > 3 ? integer(fail[3], "--fail RETRY_AFTER") : -1);
    }
    if (!stall.empty()) {
      if (stall.size() < 2) throw std::runtime_error("--stall needs N,MS");
      const long long n = integer(stall[0], "--stall N");
      if (n < 0 || n > 1000000) throw std::runtime_error("--stall N out of range");
      server.stall(static_cast<unsigned int>(n), integer(stall[1], "--stall MS"));
    }
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    server.start();
    std::cout << "url=" << server.url() << "\n";
    if (opts.tls) {
      std::ofstream(ca_file) << server.ca_pem();
      std::cout << "ca_file=" << ca_file << "\n";
    }
    if (print_admin_token) std::cout << "admin_token=" << admin_token << "\n";
    std::cout.flush();
    while (!g_stop) pause();
    server.stop();
    std::cout << "{\"requests\":" << server.requests() << ",\"token\":" << server.requests("token")
              << ",\"failed\":" << server.requests("failed") << ",\"introspection\":" << server.requests("introspection")
              << ",\"dpop\":" << server.requests("dpop") << ",\"dpop_refused\":" << server.requests("dpop_refused")
              << "}\n";
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "m2mauth-testserver: " << e.what() << "\n";
    return 1;
  }
}
