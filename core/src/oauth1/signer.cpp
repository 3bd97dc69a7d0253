// OAuth 1.0 request signing: the base string of a request, its signature, and where the protocol
// parameters go (RFC 5849 sections 3.4 and 3.5).
//
// The hot path allocates only the string it hands to the request: the parameter arena, the base
// string and the signature live in per-thread scratch buffers that keep their capacity (wiped after
// use when a form body, which may hold secrets, took part).
#include <charconv>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "oauth1/oauth1_impl.hpp"

namespace m2mauth::core {

namespace {

struct Scratch {
  oauth1::ParamList params;
  std::string base;
  std::string signature;
};

thread_local Scratch t_scratch;

bool needs_encoding(std::string_view s) noexcept {
  for (char c : s)
    if (!oauth1::kUnreserved[static_cast<unsigned char>(c)]) return true;
  return false;
}

// A nonce as it appears in the base string and on the wire; `storage` holds it when it needs encoding.
std::string_view encoded_nonce(std::string_view nonce, std::string &storage, bool known_unreserved = false) {
  if (nonce.empty()) fail(Errc::invalid_argument, "the nonce is empty");
  if (known_unreserved || !needs_encoding(nonce)) return nonce;
  storage = percent_encode(nonce);
  return storage;
}

std::string_view timestamp_text(std::int64_t ts, char (&buf)[24]) {
  if (ts < 0) fail(Errc::invalid_argument, "the timestamp is negative");
  auto r = std::to_chars(buf, buf + sizeof buf, ts);
  return {buf, static_cast<std::size_t>(r.ptr - buf)};
}

// Replaces every Authorization header with one holding value (header names compare without case).
void put_authorization(Request &req, std::string value) {
  auto &hs = req.headers;
  bool done = false;
  for (auto it = hs.begin(); it != hs.end();) {
    if (!oauth1::ascii_iequal(it->first, "Authorization")) {
      ++it;
    } else if (!done) {
      it->second = std::move(value);
      done = true;
      ++it;
    } else {
      it = hs.erase(it);
    }
  }
  if (!done) hs.emplace_back("Authorization", std::move(value));
}

const std::string *content_type(const Request &req) noexcept {
  for (const auto &h : req.headers)
    if (oauth1::ascii_iequal(h.first, "Content-Type")) return &h.second;
  return nullptr;
}

// With body_hash on and a request that takes one: a signer for this request, the configuration plus
// oauth_body_hash as a protocol parameter (built per request: the hash is part of the precomputed
// protocol block). nullopt otherwise.
std::optional<Oauth1Signer> body_hash_signer(const Oauth1Signer::Impl &k, const Request &req) {
  if (!k.config.body_hash) return std::nullopt;
  std::optional<std::string> hash = oauth1_body_hash(req);
  if (!hash) return std::nullopt;
  Oauth1Config c = k.config;
  c.body_hash = false;
  c.extra_params.emplace_back("oauth_body_hash", std::move(*hash));
  return Oauth1Signer(std::move(c));
}

}  // namespace

std::optional<std::string> oauth1_body_hash(const Request &req) {
  if (req.body.empty() || content_type(req) == nullptr || oauth1_has_form_body(req)) return std::nullopt;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(req.body.data(), req.body.size(), md, &len, EVP_sha1(), nullptr) != 1)
    fail(Errc::generic, "SHA-1 of the request body failed");
  return base64_encode(md, len);
}

bool Oauth1Signer::Impl::base_string(const Request &req, std::string_view nonce, std::string_view timestamp,
                                     oauth1::ParamList &params, std::string &base, std::string *uri_out,
                                     std::string *normalized_out) const {
  oauth1::UrlView url = oauth1::split_url(req.url);
  bool form = !req.body.empty() && oauth1_has_form_body(req);
  params.clear();
  bool clash = params.add_form(url.query);
  if (form) clash = params.add_form(req.body) || clash;
  if (clash)
    fail(Errc::state, "the request already has oauth_ parameters in its query or body; "
                      "extra protocol parameters belong in the signer");
  params.sort();

  const std::size_t normalized_room = 3 * params.bytes() + 6 * params.count() + block_twice.static_size() +
                                      3 * nonce.size() + timestamp.size() + 64;
  if (uri_out != nullptr) {
    uri_out->resize(req.url.size() + 8);
    uri_out->resize(static_cast<std::size_t>(oauth1::write_base_string_uri(uri_out->data(), url, false) - uri_out->data()));
  }
  if (normalized_out != nullptr) {
    normalized_out->resize(normalized_room);
    char *end = oauth1::write_normalized(normalized_out->data(), params, block_once, nonce, timestamp, false);
    normalized_out->resize(static_cast<std::size_t>(end - normalized_out->data()));
  }

  // Section 3.4.1.1: METHOD "&" percent(base string URI) "&" percent(normalized parameters).
  base.resize(3 * req.method.size() + 3 * (req.url.size() + 8) + normalized_room + 2);
  char *o = base.data();
  for (char c : req.method) {
    char u = c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
    o = oauth1::encode_to(o, &u, 1);
  }
  *o++ = '&';
  o = oauth1::write_base_string_uri(o, url, true);
  *o++ = '&';
  o = oauth1::write_normalized(o, params, block_twice, nonce, timestamp, true);
  base.resize(static_cast<std::size_t>(o - base.data()));
  return form;
}

void Oauth1Signer::Impl::check_placement(const Request &req) const {
  if (config.placement != Oauth1Placement::body) return;
  if (req.method == "GET" || req.method == "HEAD")
    fail(Errc::invalid_argument, "protocol parameters cannot go in the body of a " + req.method + " request");
  if (oauth1_has_form_body(req)) return;
  if (content_type(req) == nullptr && req.body.empty()) return;  // place() sets the type
  fail(Errc::invalid_argument, "protocol parameters go in the body only when it is application/x-www-form-urlencoded");
}

void Oauth1Signer::Impl::place(Request &req, std::string_view nonce, std::string_view timestamp,
                               std::string_view signature) const {
  const bool header = config.placement == Oauth1Placement::header;
  const std::string &prefix = header ? header_prefix : form_prefix;
  std::string out(prefix.size() + nonce.size() + timestamp.size() + 3 * signature.size() + 64, '\0');
  char *o = oauth1::copy_to(out.data(), prefix);
  o = oauth1::copy_to(o, header ? "oauth_timestamp=\"" : "oauth_timestamp=");
  o = oauth1::copy_to(o, timestamp);
  o = oauth1::copy_to(o, header ? "\", oauth_nonce=\"" : "&oauth_nonce=");
  o = oauth1::copy_to(o, nonce);
  o = oauth1::copy_to(o, header ? "\", oauth_signature=\"" : "&oauth_signature=");
  o = oauth1::encode_to(o, signature.data(), signature.size());
  if (header) *o++ = '"';
  out.resize(static_cast<std::size_t>(o - out.data()));

  if (header) {
    put_authorization(req, std::move(out));
  } else if (config.placement == Oauth1Placement::query) {
    oauth1::UrlView url = oauth1::split_url(req.url);
    std::string_view sep = !url.has_query ? "?" : (url.query.empty() || url.query.back() == '&') ? "" : "&";
    out.insert(0, sep);
    req.url.insert(url.query_end, out);
  } else {
    if (content_type(req) == nullptr) req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (!req.body.empty() && req.body.back() != '&') req.body.push_back('&');
    req.body += out;
  }
}

void Oauth1Signer::Impl::sign(Request &req, std::string_view nonce, std::int64_t timestamp, bool random) const {
  check_ready();
  check_placement(req);
  std::string nonce_storage;
  std::string_view n = encoded_nonce(nonce, nonce_storage, random);
  char ts_buf[24];
  std::string_view ts = timestamp_text(timestamp, ts_buf);
  Scratch &t = t_scratch;
  t.signature.clear();
  struct Wipe {  // form bodies may hold secrets; a PLAINTEXT signature is one
    Scratch &t;
    bool form, plaintext;
    ~Wipe() {
      if (form) {
        t.params.wipe();
        secure_wipe(t.base);
      }
      if (plaintext) secure_wipe(t.signature);
    }
  } wipe{t, !req.body.empty(), config.method == Oauth1Method::plaintext};
  // PLAINTEXT signs no base string, but building it checks the request the same way for every method.
  wipe.form = base_string(req, n, ts, t.params, t.base, nullptr, nullptr);
  append_signature(t.signature, t.base);
  place(req, n, ts, t.signature);
}

// ---- Oauth1Signer --------------------------------------------------------------------------------

void Oauth1Signer::sign(Request &req) const {
  const Impl &k = *impl_;
  if (k.config.body_hash) {
    if (std::optional<Oauth1Signer> with_hash = body_hash_signer(k, req)) return with_hash->sign(req);
  }
  char buf[26];
  std::string_view nonce;
  if (k.config.fixed_nonce) {
    nonce = *k.config.fixed_nonce;
  } else {
    oauth1::random_nonce(buf);
    nonce = std::string_view(buf, sizeof buf);
  }
  k.sign(req, nonce, timestamp(), !k.config.fixed_nonce);
}

void Oauth1Signer::sign(Request &req, std::string_view nonce, std::int64_t timestamp) const {
  if (std::optional<Oauth1Signer> with_hash = body_hash_signer(*impl_, req)) return with_hash->sign(req, nonce, timestamp);
  impl_->sign(req, nonce, timestamp);
}

std::string Oauth1Signer::base_string(const Request &req, std::string_view nonce, std::int64_t timestamp) const {
  if (std::optional<Oauth1Signer> with_hash = body_hash_signer(*impl_, req))
    return with_hash->base_string(req, nonce, timestamp);
  std::string storage, base;
  char ts_buf[24];
  oauth1::ParamList params;
  impl_->base_string(req, encoded_nonce(nonce, storage), timestamp_text(timestamp, ts_buf), params, base, nullptr,
                     nullptr);
  params.wipe();
  return base;
}

Oauth1Steps Oauth1Signer::steps(const Request &req, std::string_view nonce, std::int64_t timestamp) const {
  if (std::optional<Oauth1Signer> with_hash = body_hash_signer(*impl_, req)) return with_hash->steps(req, nonce, timestamp);
  const Impl &k = *impl_;
  k.check_ready();
  Oauth1Steps s;
  std::string storage;
  char ts_buf[24];
  std::string_view n = encoded_nonce(nonce, storage);
  std::string_view ts = timestamp_text(timestamp, ts_buf);
  oauth1::ParamList params;
  k.base_string(req, n, ts, params, s.base_string, &s.base_string_uri, &s.normalized_parameters);
  params.wipe();
  k.append_signature(s.signature, s.base_string);
  s.signed_request = req;
  k.sign(s.signed_request, nonce, timestamp);
  return s;
}

std::string Oauth1Signer::nonce() const {
  if (impl_->config.fixed_nonce) return *impl_->config.fixed_nonce;
  char buf[26];
  oauth1::random_nonce(buf);
  return std::string(buf, sizeof buf);
}

std::int64_t Oauth1Signer::timestamp() const {
  const Oauth1Config &c = impl_->config;
  if (c.fixed_timestamp) return *c.fixed_timestamp;
  std::int64_t ms = c.clock ? c.clock() : system_now_ms();
  if (ms < 0) fail(Errc::config, "the clock returned a time before 1970");
  return ms / 1000;
}

}  // namespace m2mauth::core
