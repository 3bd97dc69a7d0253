// Internal: where HTTPS finds its trust anchors when the caller names none (HttpConfig ca_file and ca_dir
// both empty).
#pragma once

#include <curl/curl.h>

#include <functional>
#include <string>

namespace m2mauth::core::curl {

// What configure() sets on top of libcurl's built-in CA locations; an empty member keeps libcurl's.
struct CaLocations {
  std::string file;  // CURLOPT_CAINFO
  std::string dir;   // CURLOPT_CAPATH
};

// libcurl and OpenSSL carry the CA locations of the system they were built on. A relocated copy (the
// Python wheel bundles Debian's libcurl and OpenSSL) may meet a system that keeps its bundle elsewhere,
// and libcurl then refuses every handshake because its CA file is missing. The rule:
//   1. SSL_CERT_FILE / SSL_CERT_DIR when set and not empty (OpenSSL's variables, which the curl command and
//      Python's ssl module honour too); each replaces only its own location (the file search below goes on
//      when only the directory is set);
//   2. otherwise libcurl's built-in CA file when it exists here (a system libcurl: nothing changes);
//   3. otherwise the first regular file of kSystemCaFiles (the bundles of the major distributions);
//   4. otherwise nothing: libcurl's defaults stand and the handshake fails as a TLS error.
// Verification itself never turns off. Pure: the environment, libcurl's default and the file test come in.
CaLocations choose_ca_locations(const char *env_file, const char *env_dir, const char *builtin_file,
                                const std::function<bool(const std::string &)> &is_file);

// The system bundles tried in step 3, in order (Debian/Ubuntu, Fedora/RHEL, RHEL 7, openSUSE, Alpine).
extern const char *const kSystemCaFiles[5];

// choose_ca_locations() for this process, decided once (the first configured handle asks libcurl for its
// built-in CA file; the environment is read then).
const CaLocations &system_ca_locations(CURL *e);

}  // namespace m2mauth::core::curl
