// Attribute lists and their JSON form, shared by spans.cpp and metrics.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/telemetry.hpp"

namespace m2mauth::core::telemetry {

// Appends a text attribute. Values come from the configuration and the request: an empty one is left
// out, and so is one that is not UTF-8 (not mangled).
void add_text(std::vector<Attribute> &out, const char *key, std::string_view value);
void add_number(std::vector<Attribute> &out, const char *key, std::int64_t value);
// Appends the attributes as one JSON object.
void attributes_json(std::string &out, const std::vector<Attribute> &attributes);

}  // namespace m2mauth::core::telemetry
