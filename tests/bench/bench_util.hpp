// Benchmark helpers: rates measured in interleaved rounds, best round kept, so that a library call
// and the raw primitive it wraps are compared under the same machine conditions.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace bench {

// Calls per second of fn, run for about `seconds`.
inline double rate(const std::function<void()> &fn, double seconds) {
  using clock = std::chrono::steady_clock;
  long n = 0, batch = 1;
  auto start = clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (long i = 0; i < batch; ++i) fn();
    n += batch;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
    if (elapsed < seconds / 20) batch *= 2;
  }
  return static_cast<double>(n) / elapsed;
}

// Best-of-rounds rates of several contenders, interleaved round by round.
inline std::vector<double> compare(const std::vector<std::function<void()>> &fns, int rounds, double seconds) {
  std::vector<double> best(fns.size(), 0.0);
  for (auto &f : fns) f();  // warm up: pools, caches, lazy fetches
  for (int r = 0; r < rounds; ++r)
    for (std::size_t i = 0; i < fns.size(); ++i) best[i] = std::max(best[i], rate(fns[i], seconds));
  return best;
}

// Median-of-rounds rates of several contenders, interleaved round by round (a round that a neighbour's
// burst slowed down, or one that ran alone, moves the median less than the best).
inline std::vector<double> compare_median(const std::vector<std::function<void()>> &fns, int rounds, double seconds) {
  std::vector<std::vector<double>> all(fns.size());
  for (auto &f : fns) f();  // warm up: pools, caches, lazy fetches
  for (int r = 0; r < rounds; ++r)
    for (std::size_t i = 0; i < fns.size(); ++i) all[i].push_back(rate(fns[i], seconds));
  std::vector<double> median;
  for (auto &v : all) {
    std::sort(v.begin(), v.end());
    median.push_back(v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
  }
  return median;
}

inline double env_seconds(double fallback) {
  const char *s = std::getenv("M2MAUTH_BENCH_SECONDS");
  return s != nullptr ? std::atof(s) : fallback;
}

}  // namespace bench
