// The soak run's load: authenticated requests from many threads through the C API
// (m2mauth_token_manager_request), one token manager per client, against tests/servers/soak_server.py.
//
//   m2mauth_soak_driver CONFIG.json RESULT.json
//
// CONFIG (written by tests/soak/soak.py): token_url, api_url, seconds, threads, think_ms, api_fault_rate,
// api_stall_max_ms, http_timeout_ms, sample_s, seed, manager (m2mauth_token_manager_options members) and
// clients: [{id, auth ("client_secret_basic", "private_key_jwt", ...), secret | key_file}].
//
// Each request picks a manager and, with probability api_fault_rate, a fault for the API to inject
// (X-Soak-Fault). Its outcome is classified against what the library promises:
//   ok                  no fault or a stall: 200 echoing the request's X-Soak-Id
//   api_fault_response  500/502/503/429 asked: that status comes back as a response (not a library failure)
//   expected_failure    reset asked: M2MAUTH_ENETWORK (the API call is not retried by the library)
//   unexpected          anything else: a failed call without an API reset (token endpoint faults, expiry and
//                       revocation must all be absorbed), a 401 reaching the caller, a wrong status or id
// Every sample_s the process's RSS, its heap in use (mallinfo2) and its open descriptors by kind are sampled.
// After the run every handle is freed and the descriptors are counted again against the count before the
// first handle was made.
//
// Memory use after start-up is flat by construction: counters, a fixed latency histogram, at most
// kMaxExamples failure messages, samples preallocated.
#include <cjson/cJSON.h>
#include <dirent.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "m2mauth/m2mauth.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxExamples = 20;
constexpr int kBuckets = 40;  // latency histogram: bucket b holds [2^(b/2), 2^((b+1)/2)) microseconds

[[noreturn]] void die(const std::string &what) {
  const m2mauth_error *e = m2mauth_error_last();
  std::fprintf(stderr, "soak driver: %s (%s: %s)\n", what.c_str(), m2mauth_error_name(e->code), e->message);
  std::exit(2);
}

void check(m2mauth_status st, const std::string &what) {
  if (st != M2MAUTH_OK) die(what);
}

std::string read_file(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "soak driver: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

const cJSON *member(const cJSON *obj, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (m == nullptr) {
    std::fprintf(stderr, "soak driver: config lacks %s\n", name);
    std::exit(2);
  }
  return m;
}
double num(const cJSON *obj, const char *name) { return member(obj, name)->valuedouble; }
std::string str(const cJSON *obj, const char *name) {
  const cJSON *m = member(obj, name);
  return cJSON_IsString(m) ? m->valuestring : "";
}

long rss_kb() {
  long pages = 0, resident = 0;
  FILE *f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
  std::fclose(f);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int open_fds() {
  DIR *d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  int n = 0;
  while (dirent *e = readdir(d))
    if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n - 1;  // the directory stream's own descriptor
}

// The socket inodes listed in a /proc/self/net table (unix: column 6; tcp, tcp6: column 9).
std::vector<unsigned long> socket_inodes(const char *table) {
  std::vector<unsigned long> inodes;
  std::ifstream f(std::string("/proc/self/net/") + table);
  std::string line;
  std::getline(f, line);
  const int column = std::strcmp(table, "unix") == 0 ? 6 : 9;  // the inode column
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string field;
    for (int c = 0; c <= column && in >> field; ++c) {
    }
    inodes.push_back(std::strtoul(field.c_str(), nullptr, 10));
  }
  return inodes;
}

// Open descriptors by kind: TCP sockets, UNIX sockets (libcurl's multi handles wake up through a socketpair:
// two per pooled transfer handle) and everything that is not a socket (files, pipes, eventfds ...).
struct FdKinds {
  int total = 0, tcp = 0, unix_sockets = 0, other = 0;
};

FdKinds fd_kinds() {
  FdKinds k;
  std::vector<unsigned long> unx = socket_inodes("unix");
  std::sort(unx.begin(), unx.end());
  DIR *d = opendir("/proc/self/fd");
  if (d == nullptr) return k;
  const int own = dirfd(d);
  while (dirent *e = readdir(d)) {
    if (e->d_name[0] == '.' || std::atoi(e->d_name) == own) continue;
    ++k.total;
    char target[256] = {};
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    unsigned long inode = 0;
    if (n > 0 && std::sscanf(target, "socket:[%lu]", &inode) == 1) {
      // A socket in neither table is a TCP socket not yet connected (or closing): counted with TCP.
      if (std::binary_search(unx.begin(), unx.end(), inode))
        ++k.unix_sockets;
      else
        ++k.tcp;
      continue;
    }
    ++k.other;
  }
  closedir(d);
  return k;
}

long heap_in_use_kb() { return static_cast<long>(mallinfo2().uordblks / 1024); }

struct ManagerStats {
  std::atomic<std::uint64_t> fetched{0}, refreshed{0}, failed{0}, invalidated{0};
};

void on_event(const m2mauth_token_event *ev, void *payload) {
  auto *s = static_cast<ManagerStats *>(payload);
  switch (ev->kind) {
    case M2MAUTH_TOKEN_EVENT_FETCHED: s->fetched++; break;
    case M2MAUTH_TOKEN_EVENT_REFRESHED: s->refreshed++; break;
    case M2MAUTH_TOKEN_EVENT_FAILED: s->failed++; break;
    case M2MAUTH_TOKEN_EVENT_INVALIDATED: s->invalidated++; break;
    default: break;
  }
}

struct Client {
  std::string id;
  m2mauth_key *key = nullptr;
  m2mauth_token_client *client = nullptr;
  m2mauth_token_manager *manager = nullptr;
  ManagerStats stats;
};

struct Totals {
  std::atomic<std::uint64_t> requests{0}, ok{0}, api_fault_responses{0}, expected_failures{0}, unexpected{0};
  std::atomic<std::uint64_t> stalls_asked{0};
  std::array<std::atomic<std::uint64_t>, kBuckets> latency{};
  std::mutex mu;  // guards the two below
  std::map<std::string, std::uint64_t> unexpected_by_kind;
  std::vector<std::string> examples;
};

void unexpected(Totals &t, const std::string &kind, const std::string &detail) {
  t.unexpected++;
  std::lock_guard<std::mutex> lock(t.mu);
  t.unexpected_by_kind[kind]++;
  if (t.examples.size() < kMaxExamples) t.examples.push_back(kind + ": " + detail);
}

int bucket_of(std::int64_t us) {
  if (us < 1) return 0;
  int b = static_cast<int>(std::floor(2.0 * std::log2(static_cast<double>(us))));
  return std::min(std::max(b, 0), kBuckets - 1);
}

double bucket_upper_ms(int b) { return std::pow(2.0, (b + 1) / 2.0) / 1000.0; }

struct Config {
  std::string api_url;
  double seconds = 600, think_ms = 2, api_fault_rate = 0.05, api_stall_max_ms = 1500, sample_s = 10;
  int threads = 16;
  std::uint64_t seed = 1;
};

void worker(int index, const Config &cfg, std::vector<Client> &clients, Totals &t, const std::atomic<bool> &stop) {
  std::mt19937_64 rng(cfg.seed * 1000003u + static_cast<std::uint64_t>(index));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  static const char *const kFaults[] = {"500", "502", "503", "429", "reset", "stall"};
  std::string id, fault, url;
  for (std::uint64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
    const std::size_t which = static_cast<std::size_t>(rng() % clients.size());
    Client &c = clients[which];
    fault.clear();
    if (unit(rng) < cfg.api_fault_rate) {
      fault = kFaults[rng() % 6];
      if (fault == "stall") {
        fault += ":" + std::to_string(static_cast<int>(unit(rng) * cfg.api_stall_max_ms));
        t.stalls_asked++;
      }
    }
    const bool post = n % 8 == 7;
    id = std::to_string(index) + "-" + std::to_string(n);
    url = cfg.api_url + "/soak/" + c.id;
    m2mauth_request *req = nullptr;
    check(m2mauth_request_new(&req, post ? "POST" : "GET", url.c_str()), "request_new");
    check(m2mauth_request_set_header(req, "X-Soak-Id", id.c_str()), "set_header");
    if (!fault.empty()) check(m2mauth_request_set_header(req, "X-Soak-Fault", fault.c_str()), "set_header");
    if (post) {
      static const char body[] = "{\"soak\":true,\"pad\":\"0123456789abcdef0123456789abcdef\"}";
      check(m2mauth_request_set_header(req, "Content-Type", "application/json"), "set_header");
      check(m2mauth_request_set_body(req, reinterpret_cast<const uint8_t *>(body), sizeof body - 1), "set_body");
    }
    m2mauth_response *resp = nullptr;
    const auto t0 = Clock::now();
    const m2mauth_status st = m2mauth_token_manager_request(&resp, c.manager, req);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
    t.latency[static_cast<std::size_t>(bucket_of(us))]++;
    t.requests++;
    const std::string asked = fault.empty() || fault.compare(0, 5, "stall") == 0 ? "none" : fault;
    if (st != M2MAUTH_OK) {
      const m2mauth_error *e = m2mauth_error_last();
      if (asked == "reset" && e->code == M2MAUTH_ENETWORK) {
        t.expected_failures++;
      } else {
        unexpected(t, std::string("error ") + m2mauth_error_name(e->code) + " (API fault asked: " + asked + ")",
                   c.id + ": " + e->message);
      }
    } else {
      const int status = m2mauth_response_status(resp);
      size_t len = 0;
      const uint8_t *body = m2mauth_response_body(resp, &len);
      const std::string text(reinterpret_cast<const char *>(body), len);
      if (asked == "none") {
        if (status == 200 && text.find("\"id\": \"" + id + "\"") != std::string::npos) {
          t.ok++;
        } else {
          unexpected(t, "status " + std::to_string(status) + " (API fault asked: none)",
                     c.id + ": " + (status == 200 ? "the echoed id is not the request's" : text.substr(0, 80)));
        }
      } else if (asked != "reset" && status == std::stoi(asked)) {
        t.api_fault_responses++;
      } else {
        unexpected(t, "status " + std::to_string(status) + " (API fault asked: " + asked + ")", c.id);
      }
    }
    m2mauth_response_free(resp);
    m2mauth_request_free(req);
    if (cfg.think_ms > 0)
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(unit(rng) * 2000.0 * cfg.think_ms)));
  }
}

int auth_of(const std::string &name) {
  int auth = 0;
  check(m2mauth_client_auth_from_name(&auth, name.c_str()), "client auth " + name);
  return auth;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CONFIG.json RESULT.json\n", argv[0]);
    return 2;
  }
  const std::string config_text = read_file(argv[1]);
  cJSON *doc = cJSON_Parse(config_text.c_str());
  if (doc == nullptr) {
    std::fprintf(stderr, "soak driver: %s is not JSON\n", argv[1]);
    return 2;
  }
  Config cfg;
  cfg.api_url = str(doc, "api_url");
  cfg.seconds = num(doc, "seconds");
  cfg.threads = static_cast<int>(num(doc, "threads"));
  cfg.think_ms = num(doc, "think_ms");
  cfg.api_fault_rate = num(doc, "api_fault_rate");
  cfg.api_stall_max_ms = num(doc, "api_stall_max_ms");
  cfg.sample_s = num(doc, "sample_s");
  cfg.seed = static_cast<std::uint64_t>(num(doc, "seed"));
  const std::string token_url = str(doc, "token_url");
  const cJSON *mopts = member(doc, "manager");

  const int fds_before = open_fds();
  const long rss_before = rss_kb();

  m2mauth_http_options hopts;
  check(m2mauth_http_options_init(&hopts, M2MAUTH_HTTP_OPTIONS_VERSION), "http_options_init");
  hopts.timeout_ms = static_cast<std::int64_t>(num(doc, "http_timeout_ms"));
  hopts.connect_timeout_ms = 2000;
  m2mauth_http *http = nullptr;
  check(m2mauth_http_new(&http, &hopts), "http_new");

  m2mauth_token_manager_options o;
  check(m2mauth_token_manager_options_init(&o, M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION), "manager_options_init");
  o.refresh_fraction = num(mopts, "refresh_fraction");
  o.refresh_margin_ms = static_cast<std::int64_t>(num(mopts, "refresh_margin_ms"));
  o.expiry_skew_ms = static_cast<std::int64_t>(num(mopts, "expiry_skew_ms"));
  o.jitter_fraction = num(mopts, "jitter_fraction");
  o.wait_timeout_ms = static_cast<std::int64_t>(num(mopts, "wait_timeout_ms"));
  o.backoff_base_ms = static_cast<std::int64_t>(num(mopts, "backoff_base_ms"));
  o.backoff_max_ms = static_cast<std::int64_t>(num(mopts, "backoff_max_ms"));
  o.permanent_backoff_ms = static_cast<std::int64_t>(num(mopts, "permanent_backoff_ms"));
  o.min_fetch_interval_ms = static_cast<std::int64_t>(num(mopts, "min_fetch_interval_ms"));

  const cJSON *list = member(doc, "clients");
  std::vector<Client> clients(static_cast<std::size_t>(cJSON_GetArraySize(list)));
  std::size_t i = 0;
  for (const cJSON *c = list->child; c != nullptr; c = c->next, ++i) {
    Client &cl = clients[i];
    cl.id = str(c, "id");
    check(m2mauth_token_client_new(&cl.client, token_url.c_str(), cl.id.c_str(), http), "token_client_new " + cl.id);
    check(m2mauth_token_client_set_auth_method(cl.client, auth_of(str(c, "auth"))), "set_auth_method " + cl.id);
    if (cJSON_GetObjectItemCaseSensitive(c, "secret") != nullptr)
      check(m2mauth_token_client_set_secret(cl.client, str(c, "secret").c_str()), "set_secret " + cl.id);
    if (cJSON_GetObjectItemCaseSensitive(c, "key_file") != nullptr) {
      check(m2mauth_key_from_file(&cl.key, str(c, "key_file").c_str(), nullptr), "key_from_file " + cl.id);
      check(m2mauth_token_client_set_private_key(cl.client, cl.key), "set_private_key " + cl.id);
    }
    check(m2mauth_token_manager_new(&cl.manager, cl.client, &o), "token_manager_new " + cl.id);
    check(m2mauth_token_manager_set_event_cb(cl.manager, on_event, &cl.stats, nullptr), "set_event_cb " + cl.id);
  }
  cJSON_Delete(doc);

  Totals totals;
  std::atomic<bool> stop{false};
  struct Sample {
    double t;
    long rss_kb;
    long heap_kb;
    FdKinds fds;
    std::uint64_t requests;
  };
  auto sample = [&](double t) { return Sample{t, rss_kb(), heap_in_use_kb(), fd_kinds(), totals.requests.load()}; };
  std::vector<Sample> samples;
  samples.reserve(static_cast<std::size_t>(cfg.seconds / cfg.sample_s) + 4);
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  std::vector<std::thread> threads;
  for (int k = 0; k < cfg.threads; ++k)
    threads.emplace_back(worker, k, std::cref(cfg), std::ref(clients), std::ref(totals), std::cref(stop));

  samples.push_back(sample(0.0));
  double next = cfg.sample_s;
  while (elapsed() < cfg.seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (elapsed() >= next) {
      samples.push_back(sample(elapsed()));
      const Sample &s = samples.back();
      std::fprintf(stderr,
                   "soak: %5.0f s  requests %8llu  unexpected %llu  rss %ld kB  heap %ld kB  fds %d (tcp %d, unix %d,"
                   " other %d)\n",
                   s.t, static_cast<unsigned long long>(s.requests),
                   static_cast<unsigned long long>(totals.unexpected.load()), s.rss_kb, s.heap_kb, s.fds.total,
                   s.fds.tcp, s.fds.unix_sockets, s.fds.other);
      next += cfg.sample_s;
    }
  }
  stop = true;
  for (auto &th : threads) th.join();
  const double run_s = elapsed();
  samples.push_back(sample(run_s));

  std::vector<std::array<std::uint64_t, 4>> events;
  for (Client &cl : clients)
    events.push_back({cl.stats.fetched.load(), cl.stats.refreshed.load(), cl.stats.failed.load(),
                      cl.stats.invalidated.load()});
  for (Client &cl : clients) {
    m2mauth_token_manager_free(cl.manager);
    m2mauth_token_client_free(cl.client);
    m2mauth_key_free(cl.key);
  }
  m2mauth_http_free(http);
  const int fds_after = open_fds();
  const long rss_after = rss_kb();

  // Latency percentiles from the histogram (upper bound of the bucket).
  std::uint64_t total = 0;
  for (auto &b : totals.latency) total += b.load();
  auto percentile = [&](double p) {
    std::uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
      seen += totals.latency[static_cast<std::size_t>(b)].load();
      if (total > 0 && static_cast<double>(seen) >= p * static_cast<double>(total)) return bucket_upper_ms(b);
    }
    return 0.0;
  };

  cJSON *out = cJSON_CreateObject();
  cJSON_AddNumberToObject(out, "run_s", run_s);
  cJSON_AddNumberToObject(out, "threads", cfg.threads);
  cJSON_AddNumberToObject(out, "manager_count", static_cast<double>(clients.size()));
  cJSON_AddNumberToObject(out, "requests", static_cast<double>(totals.requests.load()));
  cJSON_AddNumberToObject(out, "ok", static_cast<double>(totals.ok.load()));
  cJSON_AddNumberToObject(out, "api_fault_responses", static_cast<double>(totals.api_fault_responses.load()));
  cJSON_AddNumberToObject(out, "expected_failures", static_cast<double>(totals.expected_failures.load()));
  cJSON_AddNumberToObject(out, "unexpected_failures", static_cast<double>(totals.unexpected.load()));
  cJSON_AddNumberToObject(out, "api_stalls_asked", static_cast<double>(totals.stalls_asked.load()));
  cJSON *kinds = cJSON_AddObjectToObject(out, "unexpected_by_kind");
  for (auto &[k, v] : totals.unexpected_by_kind) cJSON_AddNumberToObject(kinds, k.c_str(), static_cast<double>(v));
  cJSON *ex = cJSON_AddArrayToObject(out, "unexpected_examples");
  for (auto &e : totals.examples) cJSON_AddItemToArray(ex, cJSON_CreateString(e.c_str()));
  cJSON *lat = cJSON_AddObjectToObject(out, "latency_ms");
  cJSON_AddNumberToObject(lat, "p50", percentile(0.50));
  cJSON_AddNumberToObject(lat, "p99", percentile(0.99));
  cJSON_AddNumberToObject(lat, "p999", percentile(0.999));
  cJSON_AddNumberToObject(lat, "max", percentile(1.0));
  cJSON *mgr = cJSON_AddObjectToObject(out, "managers");
  for (std::size_t k = 0; k < clients.size(); ++k) {
    cJSON *m = cJSON_AddObjectToObject(mgr, clients[k].id.c_str());
    cJSON_AddNumberToObject(m, "fetched", static_cast<double>(events[k][0]));
    cJSON_AddNumberToObject(m, "refreshed", static_cast<double>(events[k][1]));
    cJSON_AddNumberToObject(m, "failed", static_cast<double>(events[k][2]));
    cJSON_AddNumberToObject(m, "invalidated", static_cast<double>(events[k][3]));
  }
  cJSON *smp = cJSON_AddArrayToObject(out, "samples");
  for (const Sample &s : samples) {
    cJSON *o2 = cJSON_CreateObject();
    cJSON_AddNumberToObject(o2, "t", std::round(s.t * 10) / 10);
    cJSON_AddNumberToObject(o2, "rss_kb", static_cast<double>(s.rss_kb));
    cJSON_AddNumberToObject(o2, "heap_kb", static_cast<double>(s.heap_kb));
    cJSON_AddNumberToObject(o2, "fds", s.fds.total);
    cJSON_AddNumberToObject(o2, "fds_tcp", s.fds.tcp);
    cJSON_AddNumberToObject(o2, "fds_unix", s.fds.unix_sockets);
    cJSON_AddNumberToObject(o2, "fds_other", s.fds.other);
    cJSON_AddNumberToObject(o2, "requests", static_cast<double>(s.requests));
    cJSON_AddItemToArray(smp, o2);
  }
  cJSON_AddNumberToObject(out, "fds_before_handles", fds_before);
  cJSON_AddNumberToObject(out, "fds_after_free", fds_after);
  cJSON_AddNumberToObject(out, "rss_kb_before_handles", static_cast<double>(rss_before));
  cJSON_AddNumberToObject(out, "rss_kb_after_free", static_cast<double>(rss_after));
  char *text = cJSON_Print(out);
  std::ofstream(argv[2]) << text << "\n";
  cJSON_free(text);
  cJSON_Delete(out);
  return 0;
}
