// Metrics (core/include/m2mauth/core/telemetry.hpp): every live token manager's stats, read as
// OpenTelemetry instruments. The names, units and attributes are decided here, once for every language.
#include <algorithm>
#include <cstdio>
#include <mutex>

#include "m2mauth/core/json.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/telemetry.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "telemetry/attributes.hpp"

namespace m2mauth::core::telemetry {

namespace {

std::mutex g_managers_mu;
std::vector<TokenManager *> &managers() {
  static auto *list = new std::vector<TokenManager *>();  // never destroyed: managers may outlive statics
  return *list;
}

enum class Kind { counter, gauge, histogram };

struct Instrument {
  const char *name;
  Kind kind;
  bool is_double;
  const char *unit;
  const char *description;
};

// The histograms' bucket boundaries in seconds: the OpenTelemetry semantic conventions' advice for
// http.client.request.duration (HTTP metrics, "Metric: http.client.request.duration"), so that token
// requests (tens of milliseconds) do not all fall into the SDK's default first bucket (0 to 5 units).
constexpr double kDurationBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};

// The order of this table is the order of metrics_json's "instruments".
constexpr Instrument kInstruments[] = {
    {"m2mauth.token.cache.hits", Kind::counter, false, "{read}", "Token reads served from the cache without waiting"},
    {"m2mauth.token.requests", Kind::counter, false, "{request}",
     "Token requests, by m2mauth.outcome (ok, transient, permanent)"},
    {"m2mauth.token.waits", Kind::counter, false, "{read}", "Token reads that waited for a token request"},
    {"m2mauth.token.wait.time", Kind::counter, true, "s", "Time token reads spent waiting for a token request, in total"},
    {"m2mauth.token.time_to_expiry", Kind::gauge, true, "s",
     "Seconds until the cached token expires (negative once expired), by m2mauth.token.source"},
    {"m2mauth.token.clock_offset", Kind::gauge, true, "s", "The token server's clock minus this client's"},
    {"m2mauth.token.request.duration", Kind::histogram, true, "s", "Duration of token requests"},
    {"m2mauth.request.duration", Kind::histogram, true, "s", "Duration of managed requests to APIs"},
};

// One instrument's points, by attribute set: two managers of one client id and scope are one series
// (a counter sums them, a gauge keeps the first).
struct Points {
  std::vector<std::pair<std::string, double>> list;  // attributes (JSON object), value
  void add(std::string attributes, double value, Kind kind) {
    for (auto &p : list)
      if (p.first == attributes) {
        if (kind == Kind::counter) p.second += value;
        return;
      }
    list.emplace_back(std::move(attributes), value);
  }
};

double seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

std::string number_text(double v, bool is_double) {
  char b[48];
  if (is_double)
    std::snprintf(b, sizeof b, "%.3f", v);
  else
    std::snprintf(b, sizeof b, "%.0f", v);
  return b;
}

// The attributes of one manager (client id, token endpoint host) and, unless key is null, one key.
std::vector<Attribute> key_attributes(const ClientConfig &config, const TokenStats *key) {
  std::vector<Attribute> out;
  add_text(out, "m2mauth.client_id", config.client_id);
  try {
    add_text(out, "server.address", Url::parse(config.token_url).host);
  } catch (const Error &) {
  }
  if (key != nullptr) {
    add_text(out, "m2mauth.scope", key->scope);
    add_text(out, "m2mauth.audience", key->audience);
    std::string resources;
    for (const std::string &r : key->resources) resources += (resources.empty() ? "" : " ") + r;
    add_text(out, "m2mauth.resource", resources);
    if (key->exchange) add_text(out, "m2mauth.token_exchange", "true");
  }
  return out;
}

// base's attributes as a JSON object, with one more when extra_key is set.
std::string attributes_text(const std::vector<Attribute> &base, const char *extra_key = nullptr,
                            std::string_view extra = {}) {
  std::string out;
  if (extra_key == nullptr) {
    attributes_json(out, base);
  } else {
    std::vector<Attribute> with = base;
    add_text(with, extra_key, extra);
    attributes_json(out, with);
  }
  return out;
}

}  // namespace

void register_manager(TokenManager *manager) {
  std::lock_guard<std::mutex> lock(g_managers_mu);
  managers().push_back(manager);
}

void unregister_manager(TokenManager *manager) {
  std::lock_guard<std::mutex> lock(g_managers_mu);
  auto &list = managers();
  list.erase(std::remove(list.begin(), list.end(), manager), list.end());
}

std::string metrics_json() {
  constexpr std::size_t n = sizeof kInstruments / sizeof kInstruments[0];
  Points points[n];
  auto add = [&](std::size_t i, std::string attributes, double value) {
    points[i].add(std::move(attributes), value, kInstruments[i].kind);
  };
  {
    // A manager unregisters at the start of its destructor, under this lock: none is freed while read.
    std::lock_guard<std::mutex> lock(g_managers_mu);
    for (TokenManager *m : managers()) {
      const ClientConfig &config = m->client()->config();
      bool offset_seen = false;
      for (const TokenStats &k : m->stats_all()) {
        const std::vector<Attribute> key = key_attributes(config, &k);
        const std::string attrs = attributes_text(key);
        add(0, attrs, static_cast<double>(k.cache_hits));
        add(1, attributes_text(key, "m2mauth.outcome", "ok"), static_cast<double>(k.requests_ok));
        add(1, attributes_text(key, "m2mauth.outcome", "transient"), static_cast<double>(k.requests_transient));
        add(1, attributes_text(key, "m2mauth.outcome", "permanent"), static_cast<double>(k.requests_permanent));
        add(2, attrs, static_cast<double>(k.waits));
        add(3, attrs, seconds(k.wait_ms_total));
        if (k.has_token)
          add(4, attributes_text(key, "m2mauth.token.source", token_source_name(k.source)), seconds(k.expires_in_ms));
        if (k.has_clock_offset && !offset_seen) {
          offset_seen = true;  // one value per manager
          add(5, attributes_text(key_attributes(config, nullptr)), seconds(k.clock_offset_ms));
        }
      }
    }
  }
  std::string out = "{\"scope\":\"io.m2mauth\",\"instruments\":[";
  for (std::size_t i = 0; i < n; ++i) {
    const Instrument &in = kInstruments[i];
    if (i > 0) out += ',';
    out += "{\"name\":";
    json_quote_append(out, in.name);
    out += ",\"kind\":";
    json_quote_append(out, in.kind == Kind::counter ? "counter" : in.kind == Kind::gauge ? "gauge" : "histogram");
    out += in.is_double ? ",\"value_type\":\"double\",\"unit\":" : ",\"value_type\":\"int\",\"unit\":";
    json_quote_append(out, in.unit);
    out += ",\"description\":";
    json_quote_append(out, in.description);
    if (in.kind == Kind::histogram) {
      out += ",\"bucket_boundaries\":[";
      for (std::size_t b = 0; b < sizeof kDurationBuckets / sizeof kDurationBuckets[0]; ++b) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", kDurationBuckets[b]);
        out += (b > 0 ? "," : "");
        out += text;
      }
      out += ']';
    }
    out += ",\"points\":[";
    for (std::size_t j = 0; j < points[i].list.size(); ++j) {
      if (j > 0) out += ',';
      out += "{\"attributes\":" + points[i].list[j].first +
             ",\"value\":" + number_text(points[i].list[j].second, in.is_double) + '}';
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

}  // namespace m2mauth::core::telemetry
