// The configuration: one value from JSON or from an environment variable's text, typed and checked,
// and the secrets behind X_file and X_env.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "config/config_impl.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"

namespace m2mauth::core::config {

namespace {

constexpr std::size_t kMaxFile = 1u << 20;

void check_range(const KeySpec &k, double v, const std::string &label) {
  if (k.min < k.max && (v < k.min || v > k.max)) {
    char buf[128];
    std::snprintf(buf, sizeof buf, " must be between %.15g and %.15g", k.min, k.max);
    fail(Errc::config, label + buf);
  }
}

void check_choice(const KeySpec &k, const std::string &v, const std::string &label) {
  if (k.choices == nullptr) return;
  std::string_view choices(k.choices);
  for (std::size_t start = 0; start <= choices.size();) {
    std::size_t end = choices.find('|', start);
    if (end == std::string_view::npos) end = choices.size();
    if (choices.substr(start, end - start) == v) return;
    start = end + 1;
  }
  std::string shown = v.size() > 64 ? v.substr(0, 64) + "..." : v;
  fail(Errc::config, label + " is \"" + shown + "\"; expected one of " + std::string(k.choices));
}

// Reads the secret behind X_file / X_env into v.
void resolve_indirect(Value &v, const std::string &ref, const Environment &env, const std::string &label) {
  if (ref.empty()) fail(Errc::config, label + " is empty");
  v.ref = ref;
  if (v.via == Via::file) {
    if (v.spec->type == Type::key) return;  // Key::from_file reads PEM or DER when the keys are parsed
    std::string data = read_file(ref, label);
    std::size_t end = data.size();
    while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r')) --end;
    if (end == 0) {
      secure_wipe(data);
      fail(Errc::config, label + ": \"" + ref + "\" is empty");
    }
    v.secret = SecretString(data.substr(0, end));
    secure_wipe(data);
  } else {
    const std::string *value = lookup(env, ref);
    if (value == nullptr || value->empty()) fail(Errc::config, label + ": environment variable " + ref + " is not set");
    v.secret = SecretString(*value);
  }
}

}  // namespace

const std::string *lookup(const Environment &env, std::string_view name) {
  for (const auto &[n, v] : env)
    if (n == name) return &v;
  return nullptr;
}

// A whole file, at most kMaxFile bytes; the caller wipes it when it holds a secret.
std::string read_file(const std::string &path, const std::string &label) {
  std::unique_ptr<FILE, int (*)(FILE *)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) fail(Errc::config, label + ": cannot open \"" + path + "\": " + std::strerror(errno));
  std::string data(kMaxFile + 1, '\0');
  std::size_t n = std::fread(&data[0], 1, data.size(), f.get());
  if (std::ferror(f.get())) {
    secure_wipe(data);
    fail(Errc::config, label + ": cannot read \"" + path + "\"");
  }
  if (n > kMaxFile) {
    secure_wipe(data);
    fail(Errc::config, label + ": \"" + path + "\" is over 1 MiB");
  }
  data.resize(n);
  return data;
}

std::string ascii_lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

Value value_from_json(const KeySpec &k, Via via, const cJSON *j, const std::string &label, const Environment &env) {
  Value v;
  v.spec = &k;
  v.via = via;
  v.origin = "file";
  if (via != Via::direct) {
    if (!cJSON_IsString(j)) fail(Errc::config, label + " must be a string");
    resolve_indirect(v, j->valuestring, env, label);
    return v;
  }
  switch (k.type) {
    case Type::string:
      if (!cJSON_IsString(j)) fail(Errc::config, label + " must be a string");
      v.text = j->valuestring;
      check_choice(k, v.text, label);
      break;
    case Type::secret:
    case Type::key:
      if (!cJSON_IsString(j)) fail(Errc::config, label + " must be a string");
      if (j->valuestring[0] == '\0') fail(Errc::config, label + " is empty");
      v.secret = SecretString(j->valuestring);
      break;
    case Type::integer:
      if (!cJSON_IsNumber(j) || j->valuedouble != std::floor(j->valuedouble) || std::fabs(j->valuedouble) > 9e15)
        fail(Errc::config, label + " must be an integer");
      v.integer = static_cast<std::int64_t>(j->valuedouble);
      check_range(k, j->valuedouble, label);
      break;
    case Type::number:
      if (!cJSON_IsNumber(j) || !std::isfinite(j->valuedouble)) fail(Errc::config, label + " must be a number");
      v.number = j->valuedouble;
      check_range(k, v.number, label);
      break;
    case Type::boolean:
      if (!cJSON_IsBool(j)) fail(Errc::config, label + " must be true or false");
      v.boolean = cJSON_IsTrue(j);
      break;
    case Type::list:
      if (cJSON_IsString(j)) {
        v.list.emplace_back(j->valuestring);
      } else if (cJSON_IsArray(j)) {
        for (const cJSON *e = j->child; e != nullptr; e = e->next) {
          if (!cJSON_IsString(e)) fail(Errc::config, label + " must be a list of strings");
          v.list.emplace_back(e->valuestring);
        }
      } else {
        fail(Errc::config, label + " must be a list of strings");
      }
      break;
    case Type::object:
      if (!cJSON_IsObject(j)) fail(Errc::config, label + " must be an object of strings");
      for (const cJSON *e = j->child; e != nullptr; e = e->next) {
        if (!cJSON_IsString(e)) fail(Errc::config, label + "." + e->string + " must be a string");
        v.object.emplace_back(e->string, e->valuestring);
      }
      break;
  }
  return v;
}

Value value_from_text(const KeySpec &k, Via via, const std::string &text, const std::string &label,
                      const Environment &env) {
  Value v;
  v.spec = &k;
  v.via = via;
  v.origin = "environment";
  if (via != Via::direct) {
    resolve_indirect(v, text, env, label);
    return v;
  }
  switch (k.type) {
    case Type::string:
      v.text = text;
      check_choice(k, v.text, label);
      break;
    case Type::secret:
    case Type::key:
      if (text.empty()) fail(Errc::config, label + " is empty");
      v.secret = SecretString(text);
      break;
    case Type::integer: {
      errno = 0;
      char *end = nullptr;
      long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno == ERANGE || text.find_first_of(" \t+") != std::string::npos)
        fail(Errc::config, label + " must be an integer");
      v.integer = n;
      check_range(k, static_cast<double>(n), label);
      break;
    }
    case Type::number: {
      char *end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(d)) fail(Errc::config, label + " must be a number");
      v.number = d;
      check_range(k, d, label);
      break;
    }
    case Type::boolean: {
      std::string t = ascii_lower(text);
      if (t == "true" || t == "1" || t == "yes" || t == "on") v.boolean = true;
      else if (t == "false" || t == "0" || t == "no" || t == "off") v.boolean = false;
      else fail(Errc::config, label + " must be true or false");
      break;
    }
    case Type::list:
      for (std::size_t start = 0; start <= text.size();) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        std::size_t a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
        if (a != std::string::npos) v.list.push_back(item.substr(a, b - a + 1));
        start = end + 1;
      }
      break;
    case Type::object: {
      Json j;
      try {
        j = json_parse_object(text, "value");
      } catch (const Error &) {
        fail(Errc::config, label + " must be a JSON object of strings");
      }
      Value parsed = value_from_json(k, Via::direct, j.get(), label, env);
      v.object = std::move(parsed.object);
      break;
    }
  }
  return v;
}

}  // namespace m2mauth::core::config
