// Internal: the configuration's schema and values.
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "m2mauth/core/config.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core::config {

enum class Type { string, secret, key, integer, number, boolean, list, object };

struct KeySpec {
  const char *section;
  const char *name;
  Type type;
  double min = 0, max = 0;        // integer and number: allowed range
  const char *choices = nullptr;  // string: "a|b|c"
  bool raw_bytes = false;         // secret: a file's or variable's bytes as they are (no newline stripped, NUL allowed)
};

// Every key of every section.
const std::vector<KeySpec> &schema();
const char *const *section_names();  // null-terminated
bool known_section(std::string_view section);
// The spec of section.key, or nullptr.
const KeySpec *find_key(std::string_view section, std::string_view key);
// A known key of section close to key (a typo), or "".
std::string suggestion(std::string_view section, std::string_view key);

// How a secret was given.
enum class Via { direct, file, env };

// "client_secret_file" -> (client_secret's spec, file); a plain key -> (spec, direct); unknown -> nullptr.
std::pair<const KeySpec *, Via> resolve_name(std::string_view section, std::string_view key);

struct Value {
  const KeySpec *spec = nullptr;
  std::string text;                                      // string
  std::int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  std::vector<std::string> list;
  std::vector<std::pair<std::string, std::string>> object;
  SecretString secret;                                   // secret; key given directly or by variable (PEM)
  Via via = Via::direct;
  std::string ref;                                       // the file or variable of a secret given indirectly
  std::string origin;                                    // "file", "environment", "profile", "default"
};

// ---- values.cpp ----
// The value of variable name in env, or nullptr.
const std::string *lookup(const Environment &env, std::string_view name);
std::string ascii_lower(std::string_view s);
// True if raw JSON text (a value or member name as written) has the escape \u0000 in a string.
bool has_nul_escape(std::string_view raw) noexcept;
// One value of key k given as `via` (label names it in errors), from JSON (j, and raw: its text as
// written, for the exact decimal form of numbers and the NUL check) or from a variable's text: typed
// strictly and range-checked; a secret given by X_file or X_env is read now.
Value value_from_json(const KeySpec &k, Via via, const cJSON *j, std::string_view raw, const std::string &label,
                      const Environment &env);
Value value_from_text(const KeySpec &k, Via via, const std::string &text, const std::string &label, const Environment &env);

// ---- build.cpp ----
// The core's own range checks (HttpConfig::validate, check_assertion_options, ManagerOptions::validate)
// over the values given, at load time: Error(config) naming the key. The schema restates no range
// the core checks.
void check_core_ranges(const Config &config);

}  // namespace m2mauth::core::config

namespace m2mauth::core {

struct Config::Impl {
  std::map<std::string, config::Value> values;  // "section.key"
  std::map<std::string, Key> keys;              // parsed "oauth2.private_key", "senhasegura.decryption_key"
  std::string file;                             // the file read, if any
  std::vector<std::string> env_names;           // the M2MAUTH_* variables applied

  const config::Value *find(const std::string &name) const {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
  bool section_present(std::string_view section) const;
};

}  // namespace m2mauth::core
