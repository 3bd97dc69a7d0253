// The operating system's sources: the CSPRNG, the wall clock and the files a caller or the
// configuration names.
#include "base/os.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/random.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

namespace {

const char *file_kind(mode_t mode) noexcept {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void file_error(Errc code, std::string_view role, const std::string &path, const std::string &what) {
  fail(code, std::string(role) + " \"" + path + "\" " + what);
}

// An open descriptor on a regular file of at most max bytes, closed by its destructor.
class RegularFile {
 public:
  RegularFile(const std::string &path, std::string_view role, std::size_t max) {
    if (path.empty()) fail(Errc::invalid_argument, std::string(role) + ": the path is empty");
    if (path.find('\0') != std::string::npos)
      fail(Errc::invalid_argument, std::string(role) + ": the path contains a NUL byte");
    do fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0) {
      int err = errno;
      struct stat st;
      if (err == ENXIO && ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))  // a socket
        file_error(Errc::io, role, path, std::string("is ") + file_kind(st.st_mode) + ", not a regular file");
      file_error(Errc::io, role, path, std::string("cannot be opened: ") + std::strerror(err));
    }
    struct stat st;
    if (::fstat(fd_, &st) != 0) file_error(Errc::io, role, path, std::string("cannot be read: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
      file_error(Errc::io, role, path, std::string("is ") + file_kind(st.st_mode) + ", not a regular file");
    if (st.st_size > 0 && static_cast<std::uint64_t>(st.st_size) > max)
      file_error(Errc::too_large, role, path, "is larger than " + std::to_string(max) + " bytes");
    size_ = static_cast<std::size_t>(st.st_size);
  }
  ~RegularFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  RegularFile(const RegularFile &) = delete;
  RegularFile &operator=(const RegularFile &) = delete;

  int fd() const noexcept { return fd_; }
  std::size_t size() const noexcept { return size_; }  // by fstat; 0 for files such as /proc's

 private:
  int fd_ = -1;
  std::size_t size_ = 0;
};

// Wipes a buffer that an error abandons.
struct WipeOnError {
  std::string &data;
  bool armed = true;
  ~WipeOnError() {
    if (armed) secure_wipe(data);
  }
};

}  // namespace

std::string read_regular_file(const std::string &path, std::string_view role, std::size_t max) {
  RegularFile file(path, role, max);
  // One allocation when the size is known (one byte more to see a file that grew); a buffer that
  // must grow is copied and the old one wiped, so no partial copy of a secret is left behind.
  std::string data(file.size() > 0 ? file.size() + 1 : std::min<std::size_t>(max + 1, 4096), '\0');
  WipeOnError guard{data};
  std::size_t n = 0;
  for (;;) {
    if (n == data.size()) {
      if (n > max) break;
      std::string bigger(std::min<std::size_t>(max + 1, data.size() * 2), '\0');
      std::memcpy(&bigger[0], data.data(), n);
      secure_wipe(data);
      data.swap(bigger);
    }
    ssize_t got = ::read(file.fd(), &data[n], data.size() - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) file_error(Errc::io, role, path, std::string("cannot be read: ") + std::strerror(errno));
    if (got == 0) break;
    n += static_cast<std::size_t>(got);
  }
  if (n > max) file_error(Errc::too_large, role, path, "is larger than " + std::to_string(max) + " bytes");
  data.resize(n);
  guard.armed = false;
  return data;
}

void check_regular_file(const std::string &path, std::string_view role, std::size_t max) {
  RegularFile file(path, role, max);
}

void random_fill(std::uint8_t *out, std::size_t len) {
  while (len > 0) {
    int chunk = len > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(len);
    if (RAND_bytes(out, chunk) != 1) fail(Errc::generic, "the system random generator failed");
    out += chunk;
    len -= static_cast<std::size_t>(chunk);
  }
}

std::string random_bytes(std::size_t len) {
  std::string s(len, '\0');
  random_fill(reinterpret_cast<std::uint8_t *>(s.data()), len);
  return s;
}

std::string uuid_v4() {
  std::uint8_t b[16];
  random_fill(b, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10
  static const char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[b[i] >> 4]);
    s.push_back(hex[b[i] & 15]);
  }
  return s;
}

// Jitter needs numbers no caller can line up with another's, not secrets: a per-thread splitmix64 seeded
// once from the CSPRNG (a RAND_bytes call per token refresh was a sixth of a fetch's instructions), and
// seeded again in a forked child, whose numbers must not repeat its parent's.
namespace {
std::atomic<unsigned> fork_generation{1};
}  // namespace

double random_unit() {
  static const int at_fork = pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); });
  (void)at_fork;
  thread_local std::uint64_t state = 0;
  thread_local unsigned seeded = 0;
  const unsigned generation = fork_generation.load(std::memory_order_relaxed);
  if (seeded != generation) {
    random_fill(reinterpret_cast<std::uint8_t *>(&state), sizeof state);
    seeded = generation;
  }
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
}

std::int64_t system_now_ms() noexcept {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Clock system_clock() { return &system_now_ms; }

}  // namespace m2mauth::core
