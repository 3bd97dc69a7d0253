// Time, injectable: everything that reads the clock takes a Clock so tests move time without sleeping.
#pragma once

#include <cstdint>
#include <functional>

namespace m2mauth::core {

// Unix time in milliseconds.
using Clock = std::function<std::int64_t()>;

std::int64_t system_now_ms() noexcept;
// A Clock reading the system clock.
Clock system_clock();

}  // namespace m2mauth::core
