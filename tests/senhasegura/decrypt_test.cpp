// "Encryption of sensitive information": values come back as base64 RSA-OAEP(SHA-1) ciphertext and are
// decrypted with the authorization's private key (tests/servers/keys/a2a-encryption.pem, PKCS#8).
#include <cstdio>

#include "a2a_support.hpp"

using namespace m2mauth_test;

namespace {

Key encryption_key() { return Key::from_file(encryption_key_path(), nullptr); }

A2AConfig encrypted_config(A2AAuth auth, bool with_key) {
  A2AConfig c = config_for(auth, fresh("a2a_enc").str("base_url"));
  if (with_key) c.decryption_key = encryption_key();
  return c;
}

// The OpenSSH public key of an OpenSSH private key, derived by Python's cryptography (independent of m2mauth).
std::string openssh_public_of(const std::string &private_key) {
  char path[] = "/tmp/m2mauth-sshkey-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  FILE *f = fdopen(fd, "w");
  std::fwrite(private_key.data(), 1, private_key.size(), f);
  std::fclose(f);
  std::string cmd = "python3 -c " +
                    shell_quote("import sys;from cryptography.hazmat.primitives import serialization as s;"
                                "k=s.load_ssh_private_key(open(sys.argv[1],'rb').read(),None);"
                                "print(k.public_key().public_bytes(s.Encoding.OpenSSH,s.PublicFormat.OpenSSH).decode())") +
                    " " + path;
  FILE *p = popen(cmd.c_str(), "r");
  char buf[512] = {0};
  std::size_t n = std::fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  std::remove(path);
  std::string out(buf, n);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("without a key the protected values are ciphertext; with the key the typed helpers decrypt them") {
  A2AClient raw(encrypted_config(A2AAuth::query, false), plain_transport());
  std::string cipher = str(raw.credential("5").get(), "password");
  CHECK(cipher != "secret@2504");
  CHECK(cipher.size() == 344);  // base64 of one 256-byte block
  CHECK(a2a_decrypt(encryption_key(), cipher).reveal() == "secret@2504");

  for (A2AAuth auth : {A2AAuth::oauth2, A2AAuth::oauth1, A2AAuth::query}) {
    CAPTURE(a2a_auth_name(auth));
    A2AClient client(encrypted_config(auth, true), plain_transport());
    SecretJson c5 = client.credential("5");
    CHECK(str(c5.get(), "password") == "secret@2504");
    CHECK(str(c5.get(), "content") == "secret@2504");
    CHECK(str(c5.get(), "username") == "credential_5");  // not protected, untouched
    CHECK(str(client.credential("dbadmin@db01.example.test").get(), "password") == "Db!p@ss+6 %20&x=\xc3\xa9");
    CHECK(str(client.info("10").get(), "content") == "pk_test_51M2mAuTh+/=");
  }
}

TEST_CASE("the SSH key spans several OAEP blocks and decrypts to a key whose public half matches") {
  A2AClient raw(encrypted_config(A2AAuth::oauth1, false), plain_transport());
  std::string cipher = str(raw.ssh_key("7").get(), "private_key");
  CHECK(base64_decode(cipher).size() >= 512);  // two or more 256-byte blocks
  A2AClient client(encrypted_config(A2AAuth::oauth1, true), plain_transport());
  SecretJson key = client.ssh_key("7");
  std::string priv = str(key.get(), "private_key");
  CHECK(priv.rfind("-----BEGIN OPENSSH PRIVATE KEY-----", 0) == 0);
  CHECK(priv.find("-----END OPENSSH PRIVATE KEY-----") != std::string::npos);
  CHECK(str(key.get(), "passphrase").empty());  // empty values are not encrypted
  std::string pub = str(key.get(), "public_key");
  CHECK(pub.rfind(openssh_public_of(priv) + " ", 0) == 0);
}

TEST_CASE("DSM application secrets are decrypted; the generic call decrypts unless asked not to") {
  A2AClient client(encrypted_config(A2AAuth::oauth2, true), plain_transport());
  SecretJson app = client.dsm_application();
  const cJSON *data = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(app.get(), "secrets"), 0), "data");
  CHECK(str(cJSON_GetArrayItem(data, 0), "DB_USER") == "app");
  CHECK(str(cJSON_GetArrayItem(data, 1), "DB_PASSWORD") == "dsm-s3cret");
  SecretJson doc = client.call("GET", "pam/credential/5");
  CHECK(str(cJSON_GetObjectItemCaseSensitive(doc.get(), "credential"), "password") == "secret@2504");
  SecretJson raw = client.call("GET", "pam/credential/5", nullptr, false);
  std::string cipher = str(cJSON_GetObjectItemCaseSensitive(raw.get(), "credential"), "password");
  CHECK(cipher.size() == 344);
}

TEST_CASE("decryption failures: wrong key, not ciphertext, wrong key types") {
  // A key that is not the authorization's: OAEP decoding fails, reported without the value.
  A2AConfig wrong = encrypted_config(A2AAuth::query, false);
  wrong.decryption_key = Key::generate_rsa(2048);
  A2AClient client(wrong, plain_transport());
  Error e = error_of([&] { client.credential("5"); });
  CHECK(e.code() == Errc::protocol);
  CHECK(std::string(e.what()).find("credential.password") != std::string::npos);
  // A key set for a server that does not encrypt: "secret@2504" is not ciphertext.
  A2AConfig plain = config_for(A2AAuth::query, fresh("a2a").str("base_url"));
  plain.decryption_key = encryption_key();
  A2AClient p(plain, plain_transport());
  Error pe = error_of([&] { p.credential("5"); });
  CHECK(pe.code() == Errc::protocol);
  CHECK(std::string(pe.what()).find("secret@2504") == std::string::npos);

  CHECK(error_of([&] { a2a_decrypt(encryption_key(), "bm90IGEgYmxvY2s="); }).code() == Errc::protocol);
  CHECK(error_of([&] { a2a_decrypt(encryption_key(), "***"); }).code() == Errc::protocol);
  CHECK(error_of([&] { a2a_decrypt(Key::from_file(servers_dir() + "/keys/a2a-encryption.pub.pem", nullptr), "AAAA"); }).code() ==
        Errc::no_private);
  CHECK(error_of([&] { a2a_decrypt(Key::generate_ec(Curve::p256), "AAAA"); }).code() == Errc::key_type);
  A2AConfig ec = config_for(A2AAuth::query, "https://vault.example.test");
  ec.decryption_key = Key::generate_ec(Curve::p256);
  CHECK(error_of([&] { A2AClient x(ec, plain_transport()); }).code() == Errc::key_type);
}
