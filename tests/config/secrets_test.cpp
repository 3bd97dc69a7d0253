// Secrets: every secret key in every form (value, X_file, X_env; in the file and in the environment),
// keys and passphrases, describe() without any secret, and errors that name the key but not the value.
#include "config_support.hpp"
#include "m2mauth/core/key.hpp"

using namespace m2mauth_test;

namespace {

struct SecretKey {
  const char *section;
  const char *key;
  const char *base;  // the other members the section's builder needs
  std::function<std::string(const Config &)> read;
};

const std::vector<SecretKey> &secret_keys() {
  static const std::vector<SecretKey> keys = {
      {"http", "client_key_passphrase", R"("client_cert": "/c.pem")",
       [](const Config &c) { return http_config_from(c).client_key_passphrase.reveal(); }},
      {"oauth2", "client_secret", R"("token_url": "https://as.example/t", "client_id": "i")",
       [](const Config &c) { return client_config_from(c).client_secret.reveal(); }},
      {"senhasegura", "client_secret", R"("base_url": "https://v.example", "client_id": "i")",
       [](const Config &c) { return a2a_config_from(c).client_secret.reveal(); }},
      {"senhasegura", "consumer_secret", R"("base_url": "https://v.example", "auth_method": "oauth1", "consumer_key": "k", "token": "t")",
       [](const Config &c) { return a2a_config_from(c).consumer_secret.reveal(); }},
      {"senhasegura", "token", R"("base_url": "https://v.example", "auth_method": "query", "consumer_key": "k")",
       [](const Config &c) { return a2a_config_from(c).token.reveal(); }},
      {"senhasegura", "token_secret",
       R"("base_url": "https://v.example", "auth_method": "oauth1", "consumer_key": "k", "token": "t", "consumer_secret": "c")",
       [](const Config &c) { return a2a_config_from(c).token_secret.reveal(); }},
  };
  return keys;
}

std::string upper(std::string s) {
  for (char &c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string env_name(const SecretKey &k, const char *suffix = "") {
  return "M2MAUTH_" + upper(k.section) + "_" + upper(k.key) + suffix;
}

std::string section_json(const SecretKey &k, const std::string &extra) {
  return std::string("{\"") + k.section + "\": {" + k.base + (extra.empty() ? "" : ", " + extra) + "}}";
}

void check_described_without(const Config &c, const std::string &secret, const SecretKey &k) {
  std::string d = c.describe();
  CAPTURE(d);
  CHECK_FALSE(contains(d, secret));
  CHECK(contains(d, std::string("\"") + k.key + "\":\"<redacted>\""));
}

}  // namespace

TEST_CASE("every secret key in every form, from the file and from the environment") {
  int n = 0;
  for (const SecretKey &k : secret_keys()) {
    CAPTURE(k.section);
    CAPTURE(k.key);
    const std::string value = std::string("S3cr3t:") + k.section + "." + k.key + " +/=&%20 \xc3\xa9!";
    ++n;  // before the call: its arguments are evaluated in no fixed order
    const std::string file = write_temp("secret-" + std::to_string(n), value + (n % 2 != 0 ? "\n" : "\r\n"));
    const std::string var = "TEST_M2MAUTH_SECRET_" + std::to_string(n);
    const std::string qk = std::string("\"") + k.key;

    Config direct = load(section_json(k, qk + "\": " + quoted(value)));
    CHECK(k.read(direct) == value);
    check_described_without(direct, value, k);

    Config by_file = load(section_json(k, qk + "_file\": " + quoted(file)));
    CHECK(k.read(by_file) == value);
    check_described_without(by_file, value, k);
    CHECK(contains(by_file.describe(), std::string("\"") + k.key + "_file\":" + quoted(file)));
    CHECK(by_file.get(std::string(k.section) + "." + k.key + "_file") == file);

    Config by_var = load(section_json(k, qk + "_env\": " + quoted(var)), {{var, value}});
    CHECK(k.read(by_var) == value);
    check_described_without(by_var, value, k);
    CHECK(contains(by_var.describe(), std::string("\"") + k.key + "_env\":" + quoted(var)));

    Config env_direct = load(section_json(k, ""), {{env_name(k), value}});
    CHECK(k.read(env_direct) == value);
    check_described_without(env_direct, value, k);
    Config env_file = load(section_json(k, ""), {{env_name(k, "_FILE"), file}});
    CHECK(k.read(env_file) == value);
    Config env_var = load(section_json(k, ""), {{env_name(k, "_ENV"), var}, {var, value}});
    CHECK(k.read(env_var) == value);
    check_described_without(env_var, value, k);
  }
}

TEST_CASE("keys: inline PEM, a PEM file (PKCS#1 or PKCS#8), a variable; encrypted keys with the passphrase in any form") {
  Key key = Key::generate_rsa(2048);
  const std::string pass = "pp-Distinctive-7781!";
  const std::string encrypted = key.private_pem(pass.c_str());
  const std::string key_file = write_temp("enc-key.pem", encrypted);
  const std::string pass_file = write_temp("enc-key.pass", pass + "\n");
  const std::string base = R"("token_url": "https://as.example/t", "client_id": "i")";
  auto oauth2 = [&](const std::string &members) {
    return std::string(R"({"oauth2": {)") + base + (members.empty() ? "" : ", " + members) + "}}";
  };
  std::vector<Config> configs;
  configs.push_back(load(oauth2(R"("private_key": )" + quoted(encrypted) + R"(, "private_key_passphrase": )" + quoted(pass))));
  configs.push_back(load(oauth2(R"("private_key_file": )" + quoted(key_file) + R"(, "private_key_passphrase_file": )" + quoted(pass_file))));
  configs.push_back(load(oauth2(R"("private_key_env": "MY_KEY", "private_key_passphrase_env": "MY_PASS")"), {{"MY_KEY", encrypted}, {"MY_PASS", pass}}));
  configs.push_back(load(oauth2(""), {{"M2MAUTH_OAUTH2_PRIVATE_KEY_FILE", key_file}, {"M2MAUTH_OAUTH2_PRIVATE_KEY_PASSPHRASE", pass}}));
  for (const Config &c : configs) {
    ClientConfig cc = client_config_from(c);
    CHECK(cc.auth == ClientAuth::private_key_jwt);  // inferred from the key
    REQUIRE(cc.private_key);
    CHECK(cc.private_key->public_pem() == key.public_pem());
    std::string d = c.describe();
    CHECK_FALSE(contains(d, pass));
    CHECK_FALSE(contains(d, "ENCRYPTED PRIVATE KEY"));
    CHECK_FALSE(contains(d, encrypted.substr(40, 40)));
  }
  // PKCS#1 as `openssl genrsa` writes (the BMP guide), and the A2A decryption key (PKCS#8).
  Config moneyp = load(oauth2(R"("private_key_file": )" + quoted(servers_dir() + "/keys/moneyp-private.pem")));
  CHECK(client_config_from(moneyp).private_key->bits() == 2048);
  Config a2a = load(R"({"senhasegura": {"base_url": "https://v", "client_id": "i", "client_secret": "s", "decryption_key_file": )" +
                    quoted(servers_dir() + "/keys/a2a-encryption.pem") + "}}");
  CHECK(a2a_config_from(a2a).decryption_key->has_private());
  // Wrong or missing passphrase: Errc::passphrase naming the key.
  std::string m = config_error([&] { load(oauth2(R"("private_key_file": )" + quoted(key_file) + R"(, "private_key_passphrase": "Zq9-bad-pass")")); },
                               Errc::passphrase);
  CHECK(contains(m, "oauth2.private_key_file"));
  CHECK_FALSE(contains(m, "Zq9-bad-pass"));
  CHECK(contains(config_error([&] { load(oauth2(R"("private_key_file": )" + quoted(key_file))); }, Errc::passphrase),
                 "oauth2.private_key_file"));
  CHECK(contains(config_error([&] { load(oauth2(R"("private_key": "not a key")")); }, Errc::key), "oauth2.private_key"));
}

TEST_CASE("describe() never shows a secret: distinctive values everywhere, URL credentials, PEM text") {
  Key key = Key::generate_rsa(2048);
  const std::string pem = key.private_pem(nullptr);
  const std::vector<std::string> secrets = {"Zq9-client-secret-AAA", "Zq9-a2a-secret-BBB", "Zq9-consumer-CCC", "Zq9-token-DDD",
                                            "Zq9-token-secret-EEE", "Zq9-key-pass-FFF", "Zq9-proxy-pw-GGG", "Zq9-env-secret-HHH"};
  const std::string json = R"({
    "http": {"client_cert": "/c.pem", "client_key": )" + quoted(pem) + R"(, "client_key_passphrase": "Zq9-key-pass-FFF",
             "proxy": "http://user:Zq9-proxy-pw-GGG@proxy.example:3128"},
    "oauth2": {"token_url": "https://as.example/t", "client_id": "i", "client_secret": "Zq9-client-secret-AAA"},
    "senhasegura": {"base_url": "https://v.example", "auth_method": "oauth1", "client_id": "c", "client_secret_env": "A2A_SECRET",
                    "consumer_key": "ck", "consumer_secret": "Zq9-consumer-CCC", "token": "Zq9-token-DDD",
                    "token_secret": "Zq9-token-secret-EEE", "decryption_key": )" + quoted(pem) + R"(}})";
  Config c = load(json, {{"A2A_SECRET", "Zq9-a2a-secret-BBB"}, {"M2MAUTH_OAUTH2_CLIENT_SECRET", "Zq9-env-secret-HHH"}});
  std::string d = c.describe();
  CAPTURE(d);
  for (const std::string &s : secrets) CHECK_FALSE(contains(d, s));
  CHECK_FALSE(contains(d, "PRIVATE KEY"));
  CHECK_FALSE(contains(d, pem.substr(60, 40)));
  CHECK(contains(d, "http://<redacted>@proxy.example:3128"));
  CHECK(contains(d, R"("client_secret_env":"A2A_SECRET")"));
  CHECK(contains(d, "M2MAUTH_OAUTH2_CLIENT_SECRET"));
  Json parsed = json_parse(d);  // valid JSON
  CHECK(parsed != nullptr);
  // get() refuses every secret.
  for (const char *name : {"http.client_key_passphrase", "oauth2.client_secret", "senhasegura.client_secret", "senhasegura.consumer_secret",
                           "senhasegura.token", "senhasegura.token_secret", "senhasegura.decryption_key"})
    CHECK(error_of([&] { c.get(name); }).code() == Errc::invalid_argument);
}

TEST_CASE("secret indirection errors name the key and the file or variable, never a value") {
  const std::string base = R"("token_url": "https://as.example/t", "client_id": "i")";
  auto oauth2 = [&](const std::string &members) { return std::string(R"({"oauth2": {)") + base + ", " + members + "}}"; };
  std::string m = config_error([&] { load(oauth2(R"("client_secret_file": "/nonexistent/secret")")); });
  CHECK(contains(m, "oauth2.client_secret_file"));
  CHECK(contains(m, "/nonexistent/secret"));
  std::string empty = write_temp("empty-secret", "\n\n");
  CHECK(contains(config_error([&] { load(oauth2(R"("client_secret_file": )" + quoted(empty))); }), "is empty"));
  m = config_error([&] { load(oauth2(R"("client_secret_env": "NOT_SET_ANYWHERE")")); });
  CHECK(contains(m, "oauth2.client_secret_env"));
  CHECK(contains(m, "NOT_SET_ANYWHERE"));
  CHECK(contains(config_error([&] { load(oauth2(R"("client_secret": "")")); }), "oauth2.client_secret is empty"));
  m = config_error([&] { load(oauth2(R"("client_secret": "Zq9-dup-1", "client_secret_env": "X")"), {{"X", "Zq9-dup-2"}}); });
  CHECK(contains(m, "more than once"));
  CHECK_FALSE(contains(m, "Zq9-dup"));
  m = config_error([&] { load_env({{"M2MAUTH_OAUTH2_CLIENT_SECRET", "Zq9-dup-3"}, {"M2MAUTH_OAUTH2_CLIENT_SECRET_FILE", "/x"}}); });
  CHECK(contains(m, "more than once"));
  CHECK_FALSE(contains(m, "Zq9-dup"));
}
