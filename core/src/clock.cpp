#include "m2mauth/core/clock.hpp"

#include <time.h>

namespace m2mauth::core {

std::int64_t system_now_ms() noexcept {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Clock system_clock() { return &system_now_ms; }

}  // namespace m2mauth::core
