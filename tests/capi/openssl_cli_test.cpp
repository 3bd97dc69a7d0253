// Files the OpenSSL command line writes at test time, loaded by m2mauth; m2mauth's own outputs
// (public key, encrypted key, signature, self-signed certificate) read back by the OpenSSL command line.
// Skipped when no `openssl` executable was found at configure time.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "capi_support.hpp"

using capi::Buf;

namespace {

const bool kNoOpenSSL = std::string(M2MAUTH_OPENSSL).empty();

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/m2mauth-openssl-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string operator/(const std::string &name) const { return path + "/" + name; }
};

// Runs the openssl CLI with arguments; returns its standard output, fails the test on error.
std::string openssl(const std::string &args) {
  const std::string cmd = std::string(M2MAUTH_OPENSSL) + " " + args + " 2>/dev/null";
  FILE *p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  INFO("openssl " << args);
  REQUIRE(rc == 0);
  return out;
}

void write_file(const std::string &path, const std::string &data) {
  std::ofstream(path, std::ios::binary) << data;
}

capi::KeyPtr file_key(const std::string &path, const char *pass = nullptr) {
  m2mauth_key *k = nullptr;
  INFO(std::string(path));
  REQUIRE_OK(m2mauth_key_from_file(&k, path.c_str(), pass));
  return capi::KeyPtr(k);
}

std::string thumbprint(const m2mauth_key *key) {
  Buf tp;
  REQUIRE_OK(m2mauth_key_thumbprint(tp.out(), key));
  return tp.str();
}

std::string fingerprint(const m2mauth_cert *cert, int hash) {
  Buf fp;
  REQUIRE_OK(m2mauth_cert_fingerprint(fp.out(), cert, hash, M2MAUTH_FP_HEX_COLONS));
  return fp.str();
}

// "SHA1 Fingerprint=AB:CD:...\n" -> "AB:CD:..."
std::string cli_fingerprint(const std::string &cert, const char *hash) {
  std::string out = openssl("x509 -noout -fingerprint -" + std::string(hash) + " -in '" + cert + "'");
  out = out.substr(out.find('=') + 1);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("what `openssl genrsa -out private.pem 2048` and `openssl rsa -in private.pem -pubout` write" *
          doctest::skip(kNoOpenSSL)) {
  TempDir dir;
  openssl("genrsa -out '" + (dir / "private.pem") + "' 2048");
  openssl("rsa -in '" + (dir / "private.pem") + "' -pubout -out '" + (dir / "public.pem") + "'");
  openssl("rsa -in '" + (dir / "private.pem") + "' -traditional -out '" + (dir / "pkcs1.pem") + "'");
  openssl("rsa -in '" + (dir / "private.pem") + "' -outform DER -out '" + (dir / "private.der") + "'");
  auto priv = file_key(dir / "private.pem"), pub = file_key(dir / "public.pem"), pkcs1 = file_key(dir / "pkcs1.pem"),
       der = file_key(dir / "private.der");
  CHECK(m2mauth_key_type_of(priv.get()) == M2MAUTH_KEY_RSA);
  CHECK(m2mauth_key_bits(priv.get()) == 2048);
  CHECK(m2mauth_key_has_private(priv.get()) == 1);
  CHECK(m2mauth_key_has_private(pub.get()) == 0);
  CHECK(thumbprint(priv.get()) == thumbprint(pub.get()));
  CHECK(thumbprint(pkcs1.get()) == thumbprint(pub.get()));
  CHECK(thumbprint(der.get()) == thumbprint(pub.get()));
  // m2mauth writes the public key exactly as `openssl rsa -pubout` did.
  Buf spki;
  REQUIRE_OK(m2mauth_key_public_pem(spki.out(), priv.get()));
  CHECK(spki.str() == m2mtest::read_file(dir / "public.pem"));
  // An RS256 signature by m2mauth verifies with `openssl dgst -verify` over the signing input.
  Buf token;
  REQUIRE_OK(m2mauth_jwt_sign_json(token.out(), priv.get(), R"({"sub":"cli"})", nullptr));
  const std::string t = token.str(), input = t.substr(0, t.rfind('.'));
  write_file(dir / "input", input);
  write_file(dir / "sig", m2mtest::base64_decode(t.substr(t.rfind('.') + 1)));
  CHECK(openssl("dgst -sha256 -verify '" + (dir / "public.pem") + "' -signature '" + (dir / "sig") + "' '" +
                (dir / "input") + "'").find("Verified OK") != std::string::npos);
  CHECK_STATUS(capi::verify(pub.get(), t, M2MAUTH_ALG_BIT(M2MAUTH_ALG_RS256)), M2MAUTH_OK);
}

TEST_CASE("EC (with and without an EC PARAMETERS block) and Ed25519 keys from the CLI" * doctest::skip(kNoOpenSSL)) {
  TempDir dir;
  openssl("ecparam -name prime256v1 -genkey -out '" + (dir / "p256.pem") + "'");  // params block + SEC1
  openssl("ecparam -name secp384r1 -genkey -noout -out '" + (dir / "p384.pem") + "'");
  openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out '" + (dir / "p521.pem") + "'");
  openssl("genpkey -algorithm ed25519 -out '" + (dir / "ed.pem") + "'");
  struct {
    const char *file, *curve;
    int alg;
  } cases[] = {{"p256.pem", "P-256", M2MAUTH_ALG_ES256},
               {"p384.pem", "P-384", M2MAUTH_ALG_ES384},
               {"p521.pem", "P-521", M2MAUTH_ALG_ES512},
               {"ed.pem", "Ed25519", M2MAUTH_ALG_EDDSA}};
  for (const auto &c : cases) {
    INFO(std::string(c.file));
    auto key = file_key(dir / c.file);
    CHECK(std::string(m2mauth_key_curve(key.get())) == c.curve);
    CHECK(m2mauth_alg_default_for(key.get()) == c.alg);
    openssl("pkey -in '" + (dir / c.file) + "' -pubout -out '" + (dir / "pub.pem") + "'");
    auto pub = file_key(dir / "pub.pem");
    Buf token;
    REQUIRE_OK(m2mauth_jws_sign(token.out(), key.get(), capi::bytes(std::string("payload")), 7, nullptr));
    CHECK_STATUS(capi::verify(pub.get(), token.str(), m2mauth_alg_bit(c.alg)), M2MAUTH_OK);
    Buf spki;
    REQUIRE_OK(m2mauth_key_public_pem(spki.out(), key.get()));
    CHECK(spki.str() == m2mtest::read_file(dir / "pub.pem"));
  }
}

TEST_CASE("encrypted PKCS#8 from the CLI (PBES2 and legacy PBES1): right, wrong and missing passphrase" *
          doctest::skip(kNoOpenSSL)) {
  TempDir dir;
  openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out '" + (dir / "plain.pem") + "'");
  openssl("pkcs8 -topk8 -in '" + (dir / "plain.pem") + "' -v2 aes-256-cbc -passout pass:s3cret-pass -out '" +
          (dir / "pbes2.pem") + "'");
  openssl("pkcs8 -topk8 -in '" + (dir / "plain.pem") + "' -v2 aes-128-cbc -v2prf hmacWithSHA512 -passout "
          "pass:s3cret-pass -outform DER -out '" + (dir / "pbes2.der") + "'");
  openssl("ec -in '" + (dir / "plain.pem") + "' -aes256 -passout pass:s3cret-pass -out '" + (dir / "legacy.pem") + "'");
  auto plain = file_key(dir / "plain.pem");
  for (const char *f : {"pbes2.pem", "pbes2.der", "legacy.pem"}) {
    INFO(std::string(f));
    auto key = file_key(dir / f, "s3cret-pass");
    CHECK(thumbprint(key.get()) == thumbprint(plain.get()));
    m2mauth_key *none = nullptr;
    CHECK_STATUS(m2mauth_key_from_file(&none, (dir / f).c_str(), nullptr), M2MAUTH_EPASSPHRASE);
    CHECK_STATUS(m2mauth_key_from_file(&none, (dir / f).c_str(), "s3cret-pasS"), M2MAUTH_EPASSPHRASE);
    CHECK_STATUS(m2mauth_key_from_file(&none, (dir / f).c_str(), ""), M2MAUTH_EPASSPHRASE);
    CHECK(none == nullptr);
    CHECK(std::string(m2mauth_error_last()->message).find("s3cret") == std::string::npos);
  }
  // m2mauth's encrypted export is read by the CLI with the passphrase, and refused without it.
  Buf enc;
  REQUIRE_OK(m2mauth_key_private_pem(enc.out(), plain.get(), "export-pass"));
  write_file(dir / "m2mauth-enc.pem", enc.str());
  const std::string decrypted = openssl("pkey -in '" + (dir / "m2mauth-enc.pem") + "' -passin pass:export-pass");
  CHECK(decrypted == m2mtest::read_file(dir / "plain.pem"));
  CHECK(std::system((std::string(M2MAUTH_OPENSSL) + " pkey -in '" + (dir / "m2mauth-enc.pem") +
                     "' -passin pass:wrong >/dev/null 2>&1").c_str()) != 0);
}

TEST_CASE("certificate fingerprints equal `openssl x509 -fingerprint`, both ways" * doctest::skip(kNoOpenSSL)) {
  TempDir dir;
  // A certificate made by the CLI, read by m2mauth.
  openssl("req -x509 -newkey rsa:2048 -nodes -keyout '" + (dir / "k.pem") + "' -subj '/O=Example/CN=client' -days 30 -out '" +
          (dir / "cli.pem") + "'");
  openssl("x509 -in '" + (dir / "cli.pem") + "' -outform DER -out '" + (dir / "cli.der") + "'");
  for (const char *f : {"cli.pem", "cli.der"}) {
    INFO(std::string(f));
    m2mauth_cert *raw = nullptr;
    REQUIRE_OK(m2mauth_cert_from_file(&raw, (dir / f).c_str()));
    capi::CertPtr cert(raw);
    CHECK(fingerprint(raw, M2MAUTH_HASH_SHA1) == cli_fingerprint(dir / "cli.pem", "sha1"));
    CHECK(fingerprint(raw, M2MAUTH_HASH_SHA256) == cli_fingerprint(dir / "cli.pem", "sha256"));
    Buf subject;
    REQUIRE_OK(m2mauth_cert_subject(subject.out(), raw));
    CHECK(subject.str() == "CN=client,O=Example");
    m2mauth_key *pub = nullptr;
    REQUIRE_OK(m2mauth_cert_public_key(&pub, raw));
    capi::KeyPtr pk(pub);
    CHECK(thumbprint(pub) == thumbprint(file_key(dir / "k.pem").get()));
  }
  // A self-signed certificate made by m2mauth, read and verified by the CLI.
  auto key = file_key(dir / "k.pem");
  m2mauth_cert *mine = nullptr;
  REQUIRE_OK(m2mauth_cert_self_signed(&mine, key.get(), "m2mauth client", 10));
  capi::CertPtr cert(mine);
  Buf pem;
  REQUIRE_OK(m2mauth_cert_pem(pem.out(), mine));
  write_file(dir / "mine.pem", pem.str());
  CHECK(fingerprint(mine, M2MAUTH_HASH_SHA1) == cli_fingerprint(dir / "mine.pem", "sha1"));
  CHECK(fingerprint(mine, M2MAUTH_HASH_SHA256) == cli_fingerprint(dir / "mine.pem", "sha256"));
  CHECK(openssl("verify -CAfile '" + (dir / "mine.pem") + "' '" + (dir / "mine.pem") + "'").find("OK") != std::string::npos);
  CHECK(openssl("x509 -noout -subject -nameopt RFC2253 -in '" + (dir / "mine.pem") + "'").find("CN=m2mauth client") !=
        std::string::npos);
  const int64_t now = static_cast<int64_t>(time(nullptr));
  CHECK(m2mauth_cert_not_after(mine) > now + 10 * 86400 - 120);
  CHECK(m2mauth_cert_not_after(mine) < now + 10 * 86400 + 120);
  // Ed25519 and EC keys make certificates the CLI verifies too.
  for (const char *curve : {"P-256", "Ed25519"}) {
    INFO(std::string(curve));
    m2mauth_key *k = nullptr;
    if (std::string(curve) == "Ed25519") REQUIRE_OK(m2mauth_key_generate_ed25519(&k));
    else REQUIRE_OK(m2mauth_key_generate_ec(&k, curve));
    capi::KeyPtr kp(k);
    m2mauth_cert *c = nullptr;
    REQUIRE_OK(m2mauth_cert_self_signed(&c, k, "gen", 1));
    capi::CertPtr cp(c);
    Buf p;
    REQUIRE_OK(m2mauth_cert_pem(p.out(), c));
    write_file(dir / "gen.pem", p.str());
    CHECK(openssl("verify -CAfile '" + (dir / "gen.pem") + "' '" + (dir / "gen.pem") + "'").find("OK") != std::string::npos);
  }
}
