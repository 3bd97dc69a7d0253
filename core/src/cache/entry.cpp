// The plaintext of a shared cache entry: a strict length-prefixed binary form.
#include "cache/entry.hpp"

namespace m2mauth::core::cache {

namespace {

constexpr unsigned char kVersion = 1;
constexpr std::uint32_t kMaxField = 32 * 1024;

void put_u64(std::string &out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_str(std::string &out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out.append(s);
}

struct Reader {
  std::string_view in;
  bool ok = true;
  std::uint64_t u(int bytes) {
    if (!ok || in.size() < static_cast<std::size_t>(bytes)) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
    in.remove_prefix(bytes);
    return v;
  }
  std::string str() {
    const std::uint64_t n = u(4);
    if (!ok || n > kMaxField || in.size() < n) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

}  // namespace

std::string encode_entry(const Token &t) {
  std::string out;
  out.reserve(32 + t.access_token.reveal().size() + t.token_type.size() + t.scope.size() + t.issued_token_type.size());
  out.push_back(static_cast<char>(kVersion));
  put_u64(out, static_cast<std::uint64_t>(t.issued_at_ms));
  put_u64(out, static_cast<std::uint64_t>(t.expires_at_ms));
  put_str(out, t.access_token.reveal());
  put_str(out, t.token_type);
  put_str(out, t.scope);
  put_str(out, t.issued_token_type);
  return out;
}

std::optional<Token> decode_entry(std::string_view bytes) {
  Reader r{bytes};
  if (r.u(1) != kVersion) return std::nullopt;
  Token t;
  t.issued_at_ms = static_cast<std::int64_t>(r.u(8));
  t.expires_at_ms = static_cast<std::int64_t>(r.u(8));
  std::string token = r.str();
  t.access_token = SecretString(std::move(token));
  t.token_type = r.str();
  t.scope = r.str();
  t.issued_token_type = r.str();
  if (!r.ok || !r.in.empty() || t.access_token.empty() || t.token_type.empty() || t.issued_at_ms <= 0 ||
      t.expires_at_ms <= t.issued_at_ms)
    return std::nullopt;
  return t;
}

}  // namespace m2mauth::core::cache
