// RAII and helpers over cJSON.
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace m2mauth::core {

struct JsonDeleter {
  void operator()(cJSON *item) const noexcept { cJSON_Delete(item); }
};
using Json = std::unique_ptr<cJSON, JsonDeleter>;

// Parses exactly one JSON value spanning all of text (whitespace around it allowed). Throws
// Error(Errc::malformed) with `what` in the message on bad JSON, invalid UTF-8 or duplicate members,
// and on any string (member name or value, at any depth) that decodes to text holding U+0000, written
// as \u0000 or as a raw NUL byte: RFC 8259 allows it, but every string m2mauth reads from JSON is
// then a NUL-terminated C string whose comparisons would stop at the NUL ("api\u0000.evil" read as
// "api"). The member is named when it is one m2mauth reads ("aud", "kid" ...); its value never is.
// So a cJSON string parsed here is always exactly its valuestring.
Json json_parse(std::string_view text, const char *what = "JSON");
// Like json_parse but requires an object.
Json json_parse_object(std::string_view text, const char *what = "JSON");

// Compact text of item.
std::string json_print(const cJSON *item);
void json_print_append(std::string &out, const cJSON *item);
// Appends the JSON string literal for s (with quotes and escapes).
void json_quote_append(std::string &out, std::string_view s);

Json json_new_object();
Json json_clone(const cJSON *item);
// Sets member name of object to item (taking ownership), replacing an existing one.
void json_set(cJSON *object, const char *name, Json item);
void json_set_string(cJSON *object, const char *name, std::string_view value);
void json_set_int(cJSON *object, const char *name, std::int64_t value);

// Case-sensitive member lookup; nullptr if absent.
const cJSON *json_get(const cJSON *object, const char *name) noexcept;
// The string value of member name, or nullopt if absent. Throws Errc::malformed (with `what`) if not a string.
std::optional<std::string_view> json_get_string(const cJSON *object, const char *name, const char *what);
// The integral value of a number member; nullopt if absent. Throws (`code`) if not an integral number in range.
std::optional<std::int64_t> json_get_int(const cJSON *object, const char *name, const char *what);

// True if text is valid UTF-8 (no overlongs, no surrogates, no code points above U+10FFFF).
bool utf8_valid(std::string_view text) noexcept;

}  // namespace m2mauth::core
