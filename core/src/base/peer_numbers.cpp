// Numbers and dates from peers: decimal digits only, range-checked.
#include "m2mauth/core/peer_numbers.hpp"

#include <array>
#include <string>

namespace m2mauth::core {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Digits at s[pos, pos + n) as a number; -1 unless all n are digits.
int digits_at(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                                       "Friday", "Saturday", "Sunday"};

// 1-12 for the month name at s[pos, pos + 3) (case-sensitive, as RFC 9110 writes them), 0 otherwise.
int month_at(std::string_view s, std::size_t pos) {
  if (pos + 3 > s.size()) return 0;
  for (std::size_t m = 0; m < kMonths.size(); ++m)
    if (s.substr(pos, 3) == kMonths[m]) return static_cast<int>(m) + 1;
  return 0;
}

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N> &names) {
  for (std::string_view n : names)
    if (s == n) return true;
  return false;
}

// Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse, exact).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(int y, int m) {
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDaysIn[m - 1];
}

// "HH:MM:SS" at s[pos]; seconds of the day or -1.
int time_at(std::string_view s, std::size_t pos) {
  if (pos + 8 > s.size() || s[pos + 2] != ':' || s[pos + 5] != ':') return -1;
  int h = digits_at(s, pos, 2), m = digits_at(s, pos + 3, 2), sec = digits_at(s, pos + 6, 2);
  if (h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 || sec > 60) return -1;
  return h * 3600 + m * 60 + (sec == 60 ? 59 : sec);  // a leap second counts as :59
}

std::optional<std::int64_t> to_epoch(int year, int month, int day, int seconds_of_day) {
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || seconds_of_day < 0)
    return std::nullopt;
  return days_from_civil(year, month, day) * 86400 + seconds_of_day;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> imf_fixdate(std::string_view s) {
  if (s.size() != 29 || !one_of(s.substr(0, 3), kDays) || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' ||
      s[16] != ' ' || s.substr(25) != " GMT")
    return std::nullopt;
  return to_epoch(digits_at(s, 12, 4), month_at(s, 8), digits_at(s, 5, 2), time_at(s, 17));
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<std::int64_t> rfc850_date(std::string_view s) {
  std::size_t comma = s.find(',');
  if (comma == std::string_view::npos || !one_of(s.substr(0, comma), kLongDays)) return std::nullopt;
  std::string_view r = s.substr(comma);
  if (r.size() != 24 || r.substr(0, 2) != ", " || r[4] != '-' || r[8] != '-' || r[11] != ' ' || r.substr(20) != " GMT")
    return std::nullopt;
  int yy = digits_at(r, 9, 2);
  if (yy < 0) return std::nullopt;
  return to_epoch(yy < 70 ? 2000 + yy : 1900 + yy, month_at(r, 5), digits_at(r, 2, 2), time_at(r, 12));
}

// "Sun Nov  6 08:49:37 1994"
std::optional<std::int64_t> asctime_date(std::string_view s) {
  if (s.size() != 24 || !one_of(s.substr(0, 3), kDays) || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ')
    return std::nullopt;
  int day = s[8] == ' ' ? digits_at(s, 9, 1) : digits_at(s, 8, 2);
  return to_epoch(digits_at(s, 20, 4), month_at(s, 4), day, time_at(s, 11));
}

}  // namespace

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (!digit(c)) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (d > max || v > (max - d) / 10) return std::nullopt;  // v * 10 + d > max, without overflow
    v = v * 10 + d;
  }
  return v;
}

std::optional<std::uint64_t> parse_decimal_capped(std::string_view text, std::uint64_t max) {
  if (text.empty()) return std::nullopt;
  bool above = false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (!digit(c)) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (above || d > max || v > (max - d) / 10) above = true;
    else v = v * 10 + d;
  }
  return above ? max : v;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  if (auto t = imf_fixdate(text)) return t;
  if (auto t = rfc850_date(text)) return t;
  return asctime_date(text);
}

}  // namespace m2mauth::core
