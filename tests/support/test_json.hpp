// Test support shared by tests/core and tests/capi: reading vector files and decoding their fields.
// Independent of m2mauth on purpose (cJSON, own base64/hex decoders), so it cannot hide a library bug.
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef M2MAUTH_VECTORS_DIR
#error "M2MAUTH_VECTORS_DIR must name tests/vectors"
#endif

namespace m2mtest {

inline std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string vector_path(const std::string &relative) { return std::string(M2MAUTH_VECTORS_DIR) + "/" + relative; }
inline std::string read_vector(const std::string &relative) { return read_file(vector_path(relative)); }

struct JsonFree {
  void operator()(cJSON *j) const noexcept { cJSON_Delete(j); }
};
using JsonPtr = std::unique_ptr<cJSON, JsonFree>;

inline JsonPtr parse_json(const std::string &text) {
  JsonPtr j(cJSON_ParseWithLength(text.data(), text.size()));
  if (!j) throw std::runtime_error("test data is not JSON");
  return j;
}

inline JsonPtr load_vector_json(const std::string &relative) { return parse_json(read_vector(relative)); }

inline const cJSON *member(const cJSON *o, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  if (m == nullptr) throw std::runtime_error(std::string("test data lacks \"") + name + "\"");
  return m;
}
inline bool has(const cJSON *o, const char *name) { return cJSON_GetObjectItemCaseSensitive(o, name) != nullptr; }
inline const cJSON *find(const cJSON *o, const char *name) { return cJSON_GetObjectItemCaseSensitive(o, name); }

inline std::string str(const cJSON *o, const char *name) {
  const cJSON *m = member(o, name);
  if (!cJSON_IsString(m)) throw std::runtime_error(std::string("test data \"") + name + "\" is not a string");
  return m->valuestring;
}
inline std::string str_or(const cJSON *o, const char *name, const std::string &fallback) {
  const cJSON *m = find(o, name);
  return cJSON_IsString(m) ? std::string(m->valuestring) : fallback;
}
inline long long integer(const cJSON *o, const char *name) { return static_cast<long long>(member(o, name)->valuedouble); }
inline bool boolean(const cJSON *o, const char *name) { return cJSON_IsTrue(member(o, name)); }

// Compact JSON text of an item.
inline std::string print(const cJSON *j) {
  char *t = cJSON_PrintUnformatted(j);
  if (t == nullptr) throw std::runtime_error("cannot print JSON");
  std::string s(t);
  cJSON_free(t);
  return s;
}

// Iterates over the items of an array (or members of an object).
#define M2MTEST_FOR_EACH(item, container) \
  for (const cJSON *item = (container) != nullptr ? (container)->child : nullptr; item != nullptr; item = item->next)

inline std::string hex_decode(const std::string &hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd hex length");
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::runtime_error("bad hex");
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<char>(nib(hex[i]) * 16 + nib(hex[i + 1])));
  return out;
}

// Decodes standard or URL-safe base64, padded or not. Only for trusted test data.
inline std::string base64_decode(const std::string &text) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=' || c == '\n' || c == '\r') continue;
    else throw std::runtime_error("bad base64 in test data");
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

inline std::string base64url_encode(const std::string &data) {
  static const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (unsigned char c : data) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(a[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(a[(acc << (6 - bits)) & 63]);
  return out;
}

// Per-file counts of Wycheproof results, printed so a run shows how much was exercised.
struct Tally {
  std::string file;
  int valid = 0, invalid = 0, acceptable_accepted = 0, acceptable_refused = 0, by_policy = 0, known_defects = 0;
  int total() const { return valid + invalid + acceptable_accepted + acceptable_refused + by_policy + known_defects; }
  // Counts a "valid" or "invalid" case; true when m2mauth decided it as the file says (ok: accepted).
  bool expect(const std::string &result, bool ok) {
    if (result == "valid") {
      ++valid;
      return ok;
    }
    ++invalid;
    return !ok;
  }
  void print() const {
    std::printf("[vectors] %-44s %4d run: %d valid accepted, %d invalid refused, %d acceptable (%d accepted, %d refused), "
                "%d refused by m2mauth policy, %d known defects or gaps\n",
                file.c_str(), total(), valid, invalid, acceptable_accepted + acceptable_refused, acceptable_accepted,
                acceptable_refused, by_policy, known_defects);
    std::fflush(stdout);
  }
};

// One case of a Wycheproof MAC file (hmac_sha*_test.json), decoded.
struct MacCase {
  long long tc_id, key_bits, tag_bits;
  std::string key, msg, tag, result;
};

// Calls fn(const MacCase &) for every case of a Wycheproof MAC file.
template <typename F>
void for_each_mac_case(const cJSON *doc, F &&fn) {
  M2MTEST_FOR_EACH(g, member(doc, "testGroups")) {
    const long long key_bits = integer(g, "keySize"), tag_bits = integer(g, "tagSize");
    M2MTEST_FOR_EACH(t, member(g, "tests")) {
      fn(MacCase{integer(t, "tcId"), key_bits, tag_bits, hex_decode(str(t, "key")), hex_decode(str(t, "msg")),
                 hex_decode(str(t, "tag")), str(t, "result")});
    }
  }
}

}  // namespace m2mtest
