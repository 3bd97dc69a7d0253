// The configuration read back: has(), get() and describe(), never with a secret.
#include <cstdio>
#include <cstdlib>

#include "config/config_impl.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"

namespace m2mauth::core {

using namespace config;

namespace {

constexpr const char *kRedacted = "<redacted>";

// "section.key" split; throws for an unknown section or key.
std::pair<std::string, std::string> split_name(std::string_view name) {
  std::size_t dot = name.find('.');
  std::string section(name.substr(0, dot));
  if (!known_section(section))
    fail(Errc::invalid_argument, "unknown configuration section \"" + section + "\" (known: http, oauth2, senhasegura, cache)");
  if (dot == std::string_view::npos) return {section, ""};
  std::string key(name.substr(dot + 1));
  if (resolve_name(section, key).first == nullptr) {
    std::string msg = "unknown configuration key \"" + section + "." + key + "\"";
    std::string near = suggestion(section, key);
    if (!near.empty()) msg += " (did you mean \"" + near + "\"?)";
    fail(Errc::invalid_argument, msg);
  }
  return {section, key};
}

// "scheme://user:password@host/..." -> "scheme://<redacted>@host/...".
std::string redact_userinfo(const std::string &url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  std::size_t start = scheme + 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::size_t at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + kRedacted + url.substr(at);
}

// A string value as describe() shows it.
std::string shown_text(const KeySpec &k, const std::string &text) {
  std::string name = k.name;
  if (text.find("-----BEGIN") != std::string::npos) return kRedacted;  // PEM text (e.g. http.client_key)
  if (name == "proxy" || name == "issuer" || name.find("url") != std::string::npos) return redact_userinfo(text);
  return text;
}

// The shortest decimal that reads back as d.
std::string number_text(double d) {
  char buf[32];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

Json list_json(const std::vector<std::string> &list) {
  Json a(cJSON_CreateArray());
  if (!a) throw std::bad_alloc();
  for (const std::string &s : list) {
    cJSON *item = cJSON_CreateString(s.c_str());
    if (item == nullptr || !cJSON_AddItemToArray(a.get(), item)) throw std::bad_alloc();
  }
  return a;
}

Json object_json(const std::vector<std::pair<std::string, std::string>> &object) {
  Json o = json_new_object();
  for (const auto &[name, value] : object) json_set_string(o.get(), name.c_str(), value);
  return o;
}

Json scalar_json(const Value &v) {
  switch (v.spec->type) {
    case Type::integer: return Json(cJSON_CreateNumber(static_cast<double>(v.integer)));
    case Type::number: return Json(cJSON_CreateNumber(v.number));
    case Type::boolean: return Json(cJSON_CreateBool(v.boolean ? 1 : 0));
    case Type::list: return list_json(v.list);
    case Type::object: return object_json(v.object);
    default: return Json(cJSON_CreateString(shown_text(*v.spec, v.text).c_str()));
  }
}

}  // namespace

bool Config::has(std::string_view name) const {
  auto [section, key] = split_name(name);
  if (key.empty()) return impl_->section_present(section);
  auto [spec, via] = resolve_name(section, key);
  const Value *v = impl_->find(section + "." + spec->name);
  return v != nullptr && (via == Via::direct || v->via == via);
}

std::optional<std::string> Config::get(std::string_view name) const {
  auto [section, key] = split_name(name);
  if (key.empty()) fail(Errc::invalid_argument, "configuration name \"" + section + "\" names a section, not a key");
  auto [spec, via] = resolve_name(section, key);
  const Value *v = impl_->find(section + "." + spec->name);
  if (via != Via::direct) {
    if (v == nullptr || v->via != via) return std::nullopt;
    return v->ref;  // a file name or a variable name, not the secret
  }
  if (spec->type == Type::secret || spec->type == Type::key)
    fail(Errc::invalid_argument, section + "." + key + " is a secret: it cannot be read back");
  if (v == nullptr) return std::nullopt;
  switch (spec->type) {
    case Type::integer: return std::to_string(v->integer);
    case Type::number: return number_text(v->number);
    case Type::boolean: return std::string(v->boolean ? "true" : "false");
    case Type::list: return json_print(list_json(v->list).get());
    case Type::object: return json_print(object_json(v->object).get());
    default: return v->text;
  }
}

std::string Config::describe() const {
  Json root = json_new_object();
  for (const char *const *s = section_names(); *s != nullptr; ++s) {
    if (!impl_->section_present(*s)) continue;
    Json section = json_new_object();
    for (const KeySpec &k : schema()) {
      if (std::string_view(k.section) != *s) continue;
      const Value *v = impl_->find(std::string(k.section) + "." + k.name);
      if (v == nullptr) continue;
      if (k.type == Type::secret || k.type == Type::key) {
        json_set_string(section.get(), k.name, kRedacted);
        if (v->via == Via::file) json_set_string(section.get(), (std::string(k.name) + "_file").c_str(), v->ref);
        if (v->via == Via::env) json_set_string(section.get(), (std::string(k.name) + "_env").c_str(), v->ref);
        continue;
      }
      Json item = scalar_json(*v);
      if (!item) throw std::bad_alloc();
      json_set(section.get(), k.name, std::move(item));
    }
    json_set(root.get(), *s, std::move(section));
  }
  Json sources = json_new_object();
  if (!impl_->file.empty()) json_set_string(sources.get(), "file", impl_->file);
  json_set(sources.get(), "environment", list_json(impl_->env_names));
  json_set(root.get(), "_sources", std::move(sources));
  return json_print(root.get());
}

}  // namespace m2mauth::core
