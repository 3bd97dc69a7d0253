// The configuration: one value from JSON or from an environment variable's text, typed and checked,
// and the secrets behind X_file and X_env.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "base/os.hpp"
#include "config/config_impl.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"

namespace m2mauth::core::config {

namespace {

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
    std::string data;
    try {
      data = read_regular_file(ref, label);
    } catch (const Error &e) {
      fail(Errc::config, e.what());  // a file the configuration names: a configuration error
    }
    if (v.spec->raw_bytes && !data.empty()) {
      v.secret = SecretString(std::move(data));
      return;
    }
    std::size_t end = data.size();
    while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r')) --end;
    if (end == 0) {
      secure_wipe(data);
      fail(Errc::config, label + ": \"" + ref + "\" is empty");
    }
    if (data.find('\0') != std::string::npos) {
      secure_wipe(data);
      fail(Errc::config, label + ": \"" + ref + "\" contains a NUL byte");
    }
    v.secret = SecretString(data.substr(0, end));
    secure_wipe(data);
  } else {
    const std::string *value = lookup(env, ref);
    if (value == nullptr || value->empty()) fail(Errc::config, label + ": environment variable " + ref + " is not set");
    if (value->find('\0') != std::string::npos)
      fail(Errc::config, label + ": environment variable " + ref + " contains a NUL byte");
    v.secret = SecretString(*value);
  }
}

}  // namespace

const std::string *lookup(const Environment &env, std::string_view name) {
  for (const auto &[n, v] : env)
    if (n == name) return &v;
  return nullptr;
}

std::string ascii_lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

bool has_nul_escape(std::string_view raw) noexcept {
  for (std::size_t i = 0; i + 1 < raw.size(); ++i) {
    if (raw[i] != '\\') continue;
    if (raw[i + 1] == 'u' && raw.substr(i + 2, 4) == "0000") return true;
    ++i;  // the escaped character ("\\u0000" is a backslash, then "u0000")
  }
  return false;
}

namespace {

const char *json_type(const cJSON *j) noexcept {
  if (cJSON_IsString(j)) return "a string";
  if (cJSON_IsNumber(j)) return "a number";
  if (cJSON_IsBool(j)) return "a boolean";
  if (cJSON_IsNull(j)) return "null";
  if (cJSON_IsArray(j)) return "a list";
  if (cJSON_IsObject(j)) return "an object";
  return "another type";
}

[[noreturn]] void wrong_type(const std::string &label, const char *expected, const cJSON *j) {
  fail(Errc::config, label + " must be " + expected + ", not " + json_type(j));
}

bool digits(std::string_view s, std::size_t &i) {
  std::size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i > start;
}

// Decimal integer: an optional '-' and the digits 0-9, nothing else (no '+', space, fraction,
// exponent or "0x"); within int64_t.
std::int64_t parse_integer(std::string_view text, const std::string &label) {
  std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  if (!digits(text, i) || i != text.size())
    fail(Errc::config, label + " must be an integer (decimal digits, no fraction or exponent)");
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n, 10);
  if (ec != std::errc() || end != text.data() + text.size()) fail(Errc::config, label + " is out of range");
  return n;
}

// Decimal number as JSON writes it: -?digits(.digits)?([eE][+-]?digits)?; finite.
double parse_number(std::string_view text, const std::string &label) {
  std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  bool ok = digits(text, i);
  if (ok && i < text.size() && text[i] == '.') ok = digits(text, ++i);
  if (ok && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    ok = digits(text, i);
  }
  if (!ok || i != text.size()) fail(Errc::config, label + " must be a decimal number");
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d))
    fail(Errc::config, label + " is out of range");
  return d;
}

}  // namespace

Value value_from_json(const KeySpec &k, Via via, const cJSON *j, std::string_view raw, const std::string &label,
                      const Environment &env) {
  Value v;
  v.spec = &k;
  v.via = via;
  v.origin = "file";
  if (has_nul_escape(raw)) fail(Errc::config, label + " contains a NUL character (\\u0000)");
  if (via != Via::direct) {
    if (!cJSON_IsString(j)) wrong_type(label, "a string", j);
    resolve_indirect(v, j->valuestring, env, label);
    return v;
  }
  switch (k.type) {
    case Type::string:
      if (!cJSON_IsString(j)) wrong_type(label, "a string", j);
      v.text = j->valuestring;
      check_choice(k, v.text, label);
      break;
    case Type::secret:
    case Type::key:
      if (!cJSON_IsString(j)) wrong_type(label, "a string", j);
      if (j->valuestring[0] == '\0') fail(Errc::config, label + " is empty");
      v.secret = SecretString(j->valuestring);
      break;
    case Type::integer:
      if (!cJSON_IsNumber(j)) wrong_type(label, "an integer", j);
      v.integer = parse_integer(raw, label);
      check_range(k, static_cast<double>(v.integer), label);
      break;
    case Type::number:
      if (!cJSON_IsNumber(j)) wrong_type(label, "a number", j);
      v.number = parse_number(raw, label);
      check_range(k, v.number, label);
      break;
    case Type::boolean:
      if (!cJSON_IsBool(j)) fail(Errc::config, label + " must be true or false, not " + json_type(j));
      v.boolean = cJSON_IsTrue(j);
      break;
    case Type::list:  // a JSON array of strings; a single string is not a list
      if (!cJSON_IsArray(j)) wrong_type(label, "a list of strings (a JSON array)", j);
      for (const cJSON *e = j->child; e != nullptr; e = e->next) {
        if (!cJSON_IsString(e)) fail(Errc::config, label + " must be a list of strings, not hold " + json_type(e));
        v.list.emplace_back(e->valuestring);
      }
      break;
    case Type::object:
      if (!cJSON_IsObject(j)) wrong_type(label, "an object of strings", j);
      for (const cJSON *e = j->child; e != nullptr; e = e->next) {
        if (!cJSON_IsString(e)) wrong_type(label + "." + e->string, "a string", e);
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
  if (text.find('\0') != std::string::npos) fail(Errc::config, label + " contains a NUL byte");
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
    case Type::integer:
      v.integer = parse_integer(text, label);
      check_range(k, static_cast<double>(v.integer), label);
      break;
    case Type::number:
      v.number = parse_number(text, label);
      check_range(k, v.number, label);
      break;
    case Type::boolean: {
      std::string t = ascii_lower(text);
      if (t == "true" || t == "1" || t == "yes" || t == "on") v.boolean = true;
      else if (t == "false" || t == "0" || t == "no" || t == "off") v.boolean = false;
      else fail(Errc::config, label + " must be true or false (or 1/0, yes/no, on/off)");
      break;
    }
    case Type::list:  // comma-separated; items trimmed, empty items dropped
      for (std::size_t start = 0; start <= text.size();) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        std::size_t a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
        if (a != std::string::npos) v.list.push_back(item.substr(a, b - a + 1));
        start = end + 1;
      }
      break;
    case Type::object: {  // a JSON object of strings
      if (has_nul_escape(text)) fail(Errc::config, label + " contains a NUL character (\\u0000)");
      Json j;
      try {
        j = json_parse_object(text, "value");
      } catch (const Error &) {
        fail(Errc::config, label + " must be a JSON object of strings");
      }
      Value parsed = value_from_json(k, Via::direct, j.get(), text, label, env);
      v.object = std::move(parsed.object);
      break;
    }
  }
  return v;
}

}  // namespace m2mauth::core::config
