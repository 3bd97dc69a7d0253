// Where HTTPS finds the system's trust anchors when the caller names none (core/src/curl/ca_store.hpp): the
// rule that lets a relocated libcurl (the Python wheel's) verify servers on a system that keeps its CA bundle
// elsewhere. Pure: the environment, libcurl's built-in file and the file test are given.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "curl/ca_store.hpp"

using m2mauth::core::curl::CaLocations;
using m2mauth::core::curl::choose_ca_locations;
using m2mauth::core::curl::kSystemCaFiles;

namespace {
CaLocations choose(const char *env_file, const char *env_dir, const char *builtin, std::set<std::string> files) {
  return choose_ca_locations(env_file, env_dir, builtin, [files](const std::string &p) { return files.count(p) > 0; });
}
const char *const kDebian = "/etc/ssl/certs/ca-certificates.crt";
const char *const kFedora = "/etc/pki/tls/certs/ca-bundle.crt";
}  // namespace

TEST_CASE("CA store: a system libcurl whose built-in bundle exists keeps its own locations") {
  CaLocations c = choose(nullptr, nullptr, kDebian, {kDebian, kFedora});
  CHECK(c.file.empty());
  CHECK(c.dir.empty());
}

TEST_CASE("CA store: a relocated libcurl whose bundle is missing here uses the system's bundle") {
  // Debian's libcurl (built-in /etc/ssl/certs/ca-certificates.crt) on a Fedora-like system.
  CaLocations c = choose(nullptr, nullptr, kDebian, {kFedora});
  CHECK(c.file == kFedora);
  CHECK(c.dir.empty());
  // openSUSE keeps only /etc/ssl/ca-bundle.pem, Alpine /etc/ssl/cert.pem.
  CHECK(choose(nullptr, nullptr, kDebian, {"/etc/ssl/ca-bundle.pem"}).file == "/etc/ssl/ca-bundle.pem");
  CHECK(choose(nullptr, nullptr, kDebian, {"/etc/ssl/cert.pem"}).file == "/etc/ssl/cert.pem");
  // A libcurl built without a default bundle behaves the same.
  CHECK(choose(nullptr, nullptr, nullptr, {kFedora}).file == kFedora);
  CHECK(choose(nullptr, nullptr, "", {kFedora}).file == kFedora);
}

TEST_CASE("CA store: the candidates are tried in order and only regular files count") {
  CHECK(std::string(kSystemCaFiles[0]) == kDebian);
  CaLocations c = choose(nullptr, nullptr, "/nowhere/ca.pem", {kSystemCaFiles[3], kSystemCaFiles[1]});
  CHECK(c.file == kSystemCaFiles[1]);
}

TEST_CASE("CA store: nothing found leaves libcurl's defaults (the handshake then fails as TLS, never unverified)") {
  CaLocations c = choose(nullptr, nullptr, kDebian, {});
  CHECK(c.file.empty());
  CHECK(c.dir.empty());
}

TEST_CASE("CA store: SSL_CERT_FILE and SSL_CERT_DIR come first, each for its own location") {
  CaLocations both = choose("/opt/ca/bundle.pem", "/opt/ca/hashed", kDebian, {kDebian});
  CHECK(both.file == "/opt/ca/bundle.pem");
  CHECK(both.dir == "/opt/ca/hashed");
  // The file is taken as given even when missing: libcurl then fails the handshake naming it.
  CHECK(choose("/opt/ca/bundle.pem", nullptr, kDebian, {kDebian}).file == "/opt/ca/bundle.pem");
  // The directory alone keeps the file search going.
  CaLocations dir_only = choose(nullptr, "/opt/ca/hashed", kDebian, {kFedora});
  CHECK(dir_only.dir == "/opt/ca/hashed");
  CHECK(dir_only.file == kFedora);
  CaLocations dir_only_system = choose(nullptr, "/opt/ca/hashed", kDebian, {kDebian});
  CHECK(dir_only_system.file.empty());
  // Empty variables count as unset.
  CaLocations empty = choose("", "", kDebian, {kDebian});
  CHECK(empty.file.empty());
  CHECK(empty.dir.empty());
}
