#include "m2mauth/core/json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <new>
#include <string>
#include <unordered_set>

#include "base/json_scan.hpp"
#include "base/swar.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core {

namespace {

bool has_duplicate_members(const cJSON *item, int depth) {
  if (depth > 64) return false;  // cJSON already bounds nesting; deeper levels are not JOSE data
  if (cJSON_IsObject(item)) {
    std::size_t n = 0;
    for (const cJSON *c = item->child; c != nullptr; c = c->next) ++n;
    if (n > 1) {
      if (n <= 16) {
        for (const cJSON *a = item->child; a != nullptr; a = a->next)
          for (const cJSON *b = a->next; b != nullptr; b = b->next)
            if (std::strcmp(a->string, b->string) == 0) return true;
      } else {
        std::unordered_set<std::string_view> seen;
        seen.reserve(n);
        for (const cJSON *c = item->child; c != nullptr; c = c->next)
          if (!seen.insert(c->string).second) return true;
      }
    }
  }
  if (cJSON_IsObject(item) || cJSON_IsArray(item))
    for (const cJSON *c = item->child; c != nullptr; c = c->next)
      if (has_duplicate_members(c, depth + 1)) return true;
  return false;
}

Json checked(cJSON *item) {
  if (item == nullptr) throw std::bad_alloc();
  return Json(item);
}

}  // namespace

bool utf8_valid(std::string_view text) noexcept {
  const auto *s = reinterpret_cast<const unsigned char *>(text.data());
  std::size_t n = text.size(), i = 0;
  while (i < n) {
    // ASCII fast path: eight bytes at a time while none has its high bit set.
    while (i + 8 <= n) {
      std::uint64_t block;
      std::memcpy(&block, s + i, 8);
      if (block & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

Json json_parse(std::string_view text, const char *what) {
  if (!utf8_valid(text)) fail(Errc::malformed, std::string(what) + " is not valid UTF-8");
  // cJSON decodes \u0000 into its NUL-terminated strings, where every later strlen or strcmp would
  // see a shorter string ("api\u0000.evil" equal to "api"): such text is refused before it is parsed.
  if (json_may_hold_nul(text)) json_refuse_nul(text, what);
  const char *end = nullptr;
  Json item(cJSON_ParseWithLengthOpts(text.data(), text.size(), &end, false));
  if (!item) fail(Errc::malformed, std::string(what) + " is not valid JSON");
  const char *stop = text.data() + text.size();
  while (end != nullptr && end < stop && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) ++end;
  if (end != stop) fail(Errc::malformed, std::string(what) + " has data after the JSON value");
  if (has_duplicate_members(item.get(), 0))
    fail(Errc::malformed, std::string(what) + " has duplicate member names");
  return item;
}

Json json_parse_object(std::string_view text, const char *what) {
  Json item = json_parse(text, what);
  if (!cJSON_IsObject(item.get())) fail(Errc::malformed, std::string(what) + " is not a JSON object");
  return item;
}

namespace {

// Appends to a string through a raw cursor: room is made ahead, several bytes at a time, and the
// string is cut to what was written when the writer ends (an exception included).
class Writer {
 public:
  explicit Writer(std::string &s) : s_(s), p_(s.data() + s.size()), end_(p_) {}
  ~Writer() { s_.resize(static_cast<std::size_t>(p_ - s_.data())); }
  Writer(const Writer &) = delete;
  Writer &operator=(const Writer &) = delete;

  // At least n bytes of room at the cursor.
  char *need(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
    return p_;
  }
  void done(char *p) noexcept { p_ = p; }
  void put(char c) { *need(1) = c, ++p_; }
  void put(const char *d, std::size_t n) {
    std::memcpy(need(n), d, n);
    p_ += n;
  }

 private:
  void grow(std::size_t n) {
    std::size_t at = static_cast<std::size_t>(p_ - s_.data());
    s_.resize(std::max({s_.capacity(), s_.size() * 2, at + n + 64}));
    p_ = s_.data() + at;
    end_ = s_.data() + s_.size();
  }

  std::string &s_;
  char *p_;
  char *end_;
};

void quote(Writer &w, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  const char *d = s.data();
  const std::size_t n = s.size();
  char *p = w.need(n + 2);  // the quotes and every byte unescaped; each escape makes its own room
  *p++ = '"';
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t block;
      std::memcpy(&block, d + i, 8);
      std::memcpy(p, &block, 8);  // within the room made for the string: i + 8 <= n
      std::uint64_t mask = escape_mask(block);
      std::size_t clean = mask == 0 ? 8 : static_cast<std::size_t>(clean_prefix(mask));
      p += clean;
      i += clean;
      if (clean == 8) continue;
    }
    unsigned char c = static_cast<unsigned char>(d[i++]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      *p++ = static_cast<char>(c);
      continue;
    }
    w.done(p);
    p = w.need(6 + (n - i) + 1);  // this escape, the rest unescaped, the closing quote
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\b': *p++ = 'b'; break;
      case '\f': *p++ = 'f'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      default:
        *p++ = 'u';
        *p++ = '0';
        *p++ = '0';
        *p++ = hex[c >> 4];
        *p++ = hex[c & 15];
    }
  }
  *p++ = '"';
  w.done(p);
}

void append_number(Writer &w, double d) {
  if (!std::isfinite(d)) {
    w.put("null", 4);  // JSON has no NaN or infinity (cJSON prints null too)
    return;
  }
  char *p = w.need(32);
  std::to_chars_result res;
  if (std::floor(d) == d && std::fabs(d) < 9007199254740992.0)
    res = std::to_chars(p, p + 32, static_cast<std::int64_t>(d));
  else
    res = std::to_chars(p, p + 32, d);  // shortest form that reads back exactly
  w.done(res.ptr);
}

void append_item(Writer &w, const cJSON *item) {
  switch (item->type & 0xff) {
    case cJSON_False: w.put("false", 5); break;
    case cJSON_True: w.put("true", 4); break;
    case cJSON_NULL: w.put("null", 4); break;
    case cJSON_Number: append_number(w, item->valuedouble); break;
    case cJSON_String: quote(w, item->valuestring != nullptr ? item->valuestring : ""); break;
    case cJSON_Raw:
      if (item->valuestring != nullptr) w.put(item->valuestring, std::strlen(item->valuestring));
      else w.put("null", 4);
      break;
    case cJSON_Array:
    case cJSON_Object: {
      bool object = (item->type & 0xff) == cJSON_Object;
      w.put(object ? '{' : '[');
      for (const cJSON *c = item->child; c != nullptr; c = c->next) {
        if (c != item->child) w.put(',');
        if (object) {
          quote(w, c->string != nullptr ? c->string : "");
          w.put(':');
        }
        append_item(w, c);
      }
      w.put(object ? '}' : ']');
      break;
    }
    default: w.put("null", 4);
  }
}

}  // namespace

void json_print_append(std::string &out, const cJSON *item) {
  Writer w(out);
  append_item(w, item);
}

std::string json_print(const cJSON *item) {
  std::string out;
  out.reserve(256);
  json_print_append(out, item);
  return out;
}

void json_quote_append(std::string &out, std::string_view s) {
  Writer w(out);
  quote(w, s);
}

Json json_new_object() { return checked(cJSON_CreateObject()); }

Json json_clone(const cJSON *item) { return checked(cJSON_Duplicate(item, true)); }

void json_set(cJSON *object, const char *name, Json item) {
  if (!utf8_valid(name)) fail(Errc::invalid_argument, "member name is not valid UTF-8");
  if (cJSON_GetObjectItemCaseSensitive(object, name) != nullptr) {
    if (!cJSON_ReplaceItemInObjectCaseSensitive(object, name, item.get())) throw std::bad_alloc();
  } else {
    if (!cJSON_AddItemToObject(object, name, item.get())) throw std::bad_alloc();
  }
  item.release();
}

void json_set_string(cJSON *object, const char *name, std::string_view value) {
  if (!utf8_valid(value)) fail(Errc::invalid_argument, "string value is not valid UTF-8");
  std::string copy(value);
  if (copy.size() != std::strlen(copy.c_str())) fail(Errc::invalid_argument, "string value contains NUL");
  json_set(object, name, checked(cJSON_CreateString(copy.c_str())));
}

void json_set_int(cJSON *object, const char *name, std::int64_t value) {
  json_set(object, name, checked(cJSON_CreateNumber(static_cast<double>(value))));
}

const cJSON *json_get(const cJSON *object, const char *name) noexcept {
  return cJSON_GetObjectItemCaseSensitive(object, name);
}

std::optional<std::string_view> json_get_string(const cJSON *object, const char *name, const char *what) {
  const cJSON *item = json_get(object, name);
  if (item == nullptr) return std::nullopt;
  if (!cJSON_IsString(item) || item->valuestring == nullptr)
    fail(Errc::malformed, std::string(what) + " member \"" + name + "\" is not a string");
  return std::string_view(item->valuestring);
}

std::optional<std::int64_t> json_get_int(const cJSON *object, const char *name, const char *what) {
  const cJSON *item = json_get(object, name);
  if (item == nullptr) return std::nullopt;
  double d = item->valuedouble;
  if (!cJSON_IsNumber(item) || !std::isfinite(d) || std::floor(d) != d || d < -9.2e18 || d > 9.2e18)
    fail(Errc::malformed, std::string(what) + " member \"" + name + "\" is not an integer");
  return static_cast<std::int64_t>(d);
}

}  // namespace m2mauth::core
