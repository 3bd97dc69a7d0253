// The configuration: the sources (JSON file or text, environment) merged, the profile, the keys.
#include <cstring>

#include "base/json_scan.hpp"
#include "base/os.hpp"
#include "config/config_impl.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"

extern char **environ;

namespace m2mauth::core {

using namespace config;

namespace {

using Layer = std::map<std::string, Value>;

Environment process_environment() {
  Environment env;
  for (char **p = environ; p != nullptr && *p != nullptr; ++p) {
    const char *eq = std::strchr(*p, '=');
    if (eq != nullptr) env.emplace_back(std::string(*p, static_cast<std::size_t>(eq - *p)), std::string(eq + 1));
  }
  return env;
}

[[noreturn]] void unknown_key(std::string_view section, std::string_view key, const std::string &where) {
  std::string msg = "unknown configuration key \"" + std::string(section) + "." + std::string(key) + "\"" + where;
  std::string near = suggestion(section, key);
  if (!near.empty()) msg += " (did you mean \"" + near + "\"?)";
  fail(Errc::config, msg);
}

// Refuses a second form of the same key in one source (checked before any file or variable is read).
void check_unique(const Layer &layer, const KeySpec &k, const std::string &label) {
  std::string name = std::string(k.section) + "." + k.name;
  if (layer.count(name) != 0)
    fail(Errc::config, label + ": " + name + " is given more than once (as " + k.name + ", " + k.name + "_file or " +
                           k.name + "_env): give one");
}

void put(Layer &layer, const KeySpec &k, Value v) { layer.emplace(std::string(k.section) + "." + k.name, std::move(v)); }

// The text as written of every member of every section (the strict RFC 8259 scanner: decimal numbers
// only), with any \u0000 in a section name, key or value refused, naming the key: cJSON would cut
// such a string short ("client_id\u0000x" would read as client_id).
using RawSections = std::map<std::string, std::vector<JsonMember>>;

RawSections raw_sections(std::string_view text, const std::string &what) {
  std::vector<JsonMember> top;
  try {
    json_scan_object(text, top, what.c_str(), JsonNul::caller_checks);
  } catch (const Error &scan) {
    try {
      json_parse_object(text, what.c_str());  // cJSON's words for what both refuse
    } catch (const Error &e) {
      fail(Errc::config, e.what());
    }
    fail(Errc::config, scan.what());
  }
  RawSections sections;
  for (const JsonMember &s : top) {
    if (has_nul_escape(s.name)) fail(Errc::config, "a configuration section name contains a NUL character (\\u0000)");
    std::string section = json_member_name(s);
    if ((!section.empty() && section[0] == '_') || s.kind != 'o') continue;  // a comment, or refused below
    std::vector<JsonMember> &members = sections[section];
    json_scan_object(s.value, members, what.c_str(), JsonNul::caller_checks);
    for (const JsonMember &m : members) {
      if (has_nul_escape(m.name)) fail(Errc::config, "a key of section \"" + section + "\" contains a NUL character (\\u0000)");
      // Before cJSON reads the text (which refuses U+0000 anywhere, without the key's name).
      if (has_nul_escape(m.value))
        fail(Errc::config, section + "." + json_member_name(m) + " contains a NUL character (\\u0000)");
    }
  }
  return sections;
}

Layer layer_from_json(std::string_view text, const std::string &what, const Environment &env) {
  RawSections raw = raw_sections(text, what);
  SecretJson doc;
  try {
    doc.reset(json_parse_object(text, what.c_str()).release());
  } catch (const Error &e) {
    fail(Errc::config, e.what());
  }
  Layer layer;
  for (const cJSON *s = doc->child; s != nullptr; s = s->next) {
    std::string section = s->string;
    if (!section.empty() && section[0] == '_') continue;  // a comment
    if (!known_section(section))
      fail(Errc::config, "unknown configuration section \"" + section + "\" (known: http, oauth2, senhasegura, cache)");
    if (!cJSON_IsObject(s)) fail(Errc::config, "configuration section \"" + section + "\" must be a JSON object");
    const std::vector<JsonMember> &members = raw[section];
    for (const cJSON *m = s->child; m != nullptr; m = m->next) {
      std::string key = m->string;
      if (!key.empty() && key[0] == '_') continue;
      auto [spec, via] = resolve_name(section, key);
      if (spec == nullptr) unknown_key(section, key, "");
      std::string label = section + "." + key;
      check_unique(layer, *spec, label);
      const JsonMember *r = json_find(members, key);
      if (r == nullptr) fail(Errc::generic, "the configuration's two JSON readers disagree about " + label);
      put(layer, *spec, value_from_json(*spec, via, m, r->value, label, env));
    }
  }
  return layer;
}

Layer layer_from_env(const Environment &env, std::vector<std::string> &used) {
  Layer layer;
  for (const auto &[name, text] : env) {
    if (name.rfind("M2MAUTH_", 0) != 0) continue;
    if (name.find('\0') != std::string::npos) fail(Errc::config, "an M2MAUTH_ variable name contains a NUL byte");
    std::string rest = name.substr(8);
    std::string section;
    for (const char *const *s = section_names(); *s != nullptr; ++s) {
      std::string prefix = *s;
      for (char &c : prefix)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (rest.rfind(prefix + "_", 0) == 0) section = *s;
    }
    if (section.empty()) continue;  // M2MAUTH_CONFIG and variables of other tools
    std::string key = ascii_lower(rest.substr(section.size() + 1));
    auto [spec, via] = resolve_name(section, key);
    if (spec == nullptr) unknown_key(section, key, " from environment variable " + name);
    std::string label = name + " (" + section + "." + key + ")";
    check_unique(layer, *spec, label);
    put(layer, *spec, value_from_text(*spec, via, text, label, env));
    used.push_back(name);
  }
  return layer;
}

void preset(Config::Impl &impl, const char *name, std::string text, const char *origin) {
  if (impl.values.count(name) != 0) return;
  std::string section(name, static_cast<std::size_t>(std::strchr(name, '.') - name));
  Value v;
  v.spec = find_key(section, std::strchr(name, '.') + 1);
  v.text = std::move(text);
  v.origin = origin;
  impl.values.emplace(name, std::move(v));
}

// The profile's presets and the inferred client authentication, so that describe() shows them.
void apply_defaults(Config::Impl &impl) {
  if (const Value *p = impl.find("oauth2.profile"); p != nullptr && p->text == "bmp") {
    preset(impl, "oauth2.auth_method", "private_key_jwt", "profile");
    preset(impl, "oauth2.assertion_alg", "RS256", "profile");
    preset(impl, "oauth2.idempotency_header", "IdempotencyKey", "profile");
    if (const Value *url = impl.find("oauth2.token_url")) preset(impl, "oauth2.assertion_audience", url->text, "profile");
    if (const Value *scope = impl.find("oauth2.scope"); scope != nullptr && scope->text.size() > kBmpMaxScopeLength)
      fail(Errc::config, "oauth2.scope is " + std::to_string(scope->text.size()) +
                             " characters; the BMP API (profile \"bmp\") accepts at most " +
                             std::to_string(kBmpMaxScopeLength));
  }
  if (impl.section_present("oauth2") && impl.find("oauth2.auth_method") == nullptr) {
    if (impl.find("oauth2.private_key") != nullptr) preset(impl, "oauth2.auth_method", "private_key_jwt", "default");
    else if (impl.find("oauth2.client_secret") != nullptr) preset(impl, "oauth2.auth_method", "client_secret_basic", "default");
  }
}

void parse_keys(Config::Impl &impl) {
  for (const auto &[name, v] : impl.values) {
    if (v.spec == nullptr || v.spec->type != Type::key) continue;
    const Value *pass = impl.find(name + "_passphrase");
    const char *passphrase = pass != nullptr ? pass->secret.c_str() : nullptr;
    std::string label = name + (v.via == Via::file ? "_file" : v.via == Via::env ? "_env" : "");
    try {
      impl.keys.emplace(name, v.via == Via::file ? Key::from_file(v.ref, passphrase) : Key::from_pem(v.secret.reveal(), passphrase));
    } catch (const Error &e) {
      // A key file the configuration names that cannot be read is a configuration error; a key
      // that does not load keeps its code (key, passphrase ...).
      bool file = e.code() == Errc::io || e.code() == Errc::too_large;
      throw Error(file ? Errc::config : e.code(), label + ": " + e.what());
    }
  }
}

}  // namespace

bool Config::Impl::section_present(std::string_view section) const {
  for (const auto &[name, v] : values)
    if (name.size() > section.size() && name.compare(0, section.size(), section) == 0 && name[section.size()] == '.')
      return true;
  return false;
}

Config Config::load(const ConfigSource &source) {
  struct WipedEnvironment {  // the process environment's copy may hold other programs' secrets
    Environment env;
    ~WipedEnvironment() {
      for (auto &[name, value] : env) secure_wipe(value);
    }
  } copy;
  Environment &own = copy.env;
  if (source.env == nullptr) own = process_environment();
  const Environment &env = source.env != nullptr ? *source.env : own;
  auto impl = std::make_shared<Impl>();

  std::optional<std::string> path = source.path;
  if (!path && !source.json && source.config_var)
    if (const std::string *p = lookup(env, "M2MAUTH_CONFIG"); p != nullptr && !p->empty()) path = *p;
  if (source.json) {
    impl->values = layer_from_json(*source.json, "configuration JSON", env);
  } else if (path) {
    std::string text = read_regular_file(*path, "configuration file");  // io, too_large
    try {
      impl->values = layer_from_json(text, "configuration file \"" + *path + "\"", env);
    } catch (...) {
      secure_wipe(text);
      throw;
    }
    secure_wipe(text);
    impl->file = *path;
  }
  if (source.use_env) {
    Layer overrides = layer_from_env(env, impl->env_names);
    for (auto &[name, v] : overrides) impl->values.insert_or_assign(name, std::move(v));
  }
  apply_defaults(*impl);
  parse_keys(*impl);
  Config config(std::move(impl));
  check_core_ranges(config);
  return config;
}

Config Config::from_file(const std::string &path, bool use_env) {
  ConfigSource s;
  s.path = path;
  s.use_env = use_env;
  return load(s);
}

Config Config::from_json(std::string_view json, bool use_env) {
  ConfigSource s;
  s.json = std::string(json);
  s.use_env = use_env;
  return load(s);
}

}  // namespace m2mauth::core
