// Numbers and dates from peers, parsed strictly: decimal digits only, range-checked. No sign, no
// space, no "0x", no fraction, no exponent: "0x10", "+5", " 5", "5.0" and "1e3" are not numbers here.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace m2mauth::core {

// The value of text if it is one or more ASCII decimal digits and at most max; nullopt otherwise
// (empty, any other character, or above max). Leading zeros are allowed.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max);

// Like parse_decimal, but a value above max (however many digits) gives max: for delays and lifetimes
// that are capped rather than refused.
std::optional<std::uint64_t> parse_decimal_capped(std::string_view text, std::uint64_t max);

// RFC 9110 5.6.7 HTTP-date as seconds since the Unix epoch: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37
// GMT") and the two obsolete forms recipients must accept, RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT",
// two-digit years 70-99 are 19xx, 00-69 20xx) and asctime ("Sun Nov  6 08:49:37 1994"). The whole text
// must be one date: nullopt for anything else, including out-of-range fields and years before 1970.
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace m2mauth::core
