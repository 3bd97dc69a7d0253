// The libcurl Transport: profiles chosen by URL prefix, a pool of easy handles, one share.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <shared_mutex>

#include "curl/pool.hpp"
#include "curl/share.hpp"
#include "curl/transfer.hpp"
#include "http/profile.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/freeze.hpp"
#include "m2mauth/core/http.hpp"

namespace m2mauth::core {

namespace {

// Idle easy handles (each with its live connections) kept per transport; more concurrent requests
// than this still work, their extra handles are closed afterwards.
constexpr std::size_t kMaxIdleHandles = 64;

bool is_http_prefix(const std::string &prefix) noexcept {
  std::string head;
  for (char c : prefix.substr(0, 8)) head.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return head.rfind("http://", 0) == 0 || head.rfind("https://", 0) == 0;
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(HttpConfig config, std::vector<HttpOverride> overrides)
      : pool_(share_, kMaxIdleHandles), base_(http::make_profile(std::move(config))) {
    for (auto &o : overrides) insert_override(std::move(o));
  }

  // The pool (and every easy handle in it) goes before the share it uses.
  ~CurlTransport() override = default;

  Response send(const Request &req, const CallOptions &options) override {
    if (options.cancel != nullptr && options.cancel->requested())
      fail(Errc::cancelled, "HTTP request cancelled before it started");
    if (!used_.load(std::memory_order_relaxed)) used_.store(true, std::memory_order_relaxed);
    std::shared_ptr<const http::Profile> profile = profile_for(req.url);
    curl::Pool::Lease h = pool_.take();
    if (h->profile != profile) curl::configure(*h, profile);
    if (h->checked_url != req.url) {  // before any connection is attempted
      check_url_security(req.url, profile->config.allow_plain_http);
      h->checked_url = req.url;
    }
    if (options.deadline_ms != 0) return curl::perform(*h, *profile, req, with_deadline(options, system_now_ms()));
    return curl::perform(*h, *profile, req, options);
  }

  // The one setter of a transport: refused once it has sent (the configure-then-freeze model).
  void add_override(HttpOverride o) {
    if (used_.load(std::memory_order_relaxed)) fail_frozen("HTTP transport", "add_override");
    insert_override(std::move(o));
  }

 private:
  void insert_override(HttpOverride o) {
    if (!is_http_prefix(o.url_prefix))
      fail(Errc::config, "HTTP override prefix must start with http:// or https://");
    http::PrefixedProfile entry{std::move(o.url_prefix), http::make_profile(std::move(o.config))};
    std::unique_lock<std::shared_mutex> lock(mutex_);
    auto same = std::find_if(overrides_.begin(), overrides_.end(),
                             [&](const http::PrefixedProfile &p) { return p.url_prefix == entry.url_prefix; });
    if (same != overrides_.end()) *same = std::move(entry);
    else overrides_.push_back(std::move(entry));
  }

  std::shared_ptr<const http::Profile> profile_for(const std::string &url) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return http::choose_profile(overrides_, base_, url);
  }

  curl::Share share_;
  curl::Pool pool_;
  mutable std::shared_mutex mutex_;
  std::shared_ptr<const http::Profile> base_;
  std::vector<http::PrefixedProfile> overrides_;
  std::atomic<bool> used_{false};  // set by the first send: overrides are frozen then
};

}  // namespace

std::shared_ptr<Transport> make_curl_transport(HttpConfig config, std::vector<HttpOverride> overrides) {
  return std::make_shared<CurlTransport>(std::move(config), std::move(overrides));
}

void add_http_override(Transport &transport, HttpOverride override) {
  auto *curl = dynamic_cast<CurlTransport *>(&transport);
  if (curl == nullptr) fail(Errc::state, "overrides apply only to libcurl transports");
  curl->add_override(std::move(override));
}

}  // namespace m2mauth::core
