// The `file` shared store: a private directory, atomic replace, flock leases, polled waits.
#include "cache/file_store.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/random.hpp"
#include "m2mauth/core/secret.hpp"
#include "m2mauth/core/shared_cache.hpp"

namespace m2mauth::core::cache {

namespace {

constexpr std::size_t kMaxEntryFile = 128 * 1024;

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
};

bool write_all(int fd, const char *p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// The whole of a regular file opened without following a link, at most max bytes; nullopt when absent.
std::optional<std::string> read_small(const std::string &path, std::size_t max) {
  Fd f(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (f.fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail(Errc::io, "shared cache: cannot read an entry file");
  }
  struct stat st;
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) > max)
    return std::nullopt;  // not ours or too large: ignored, replaced by the next put
  std::string out(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t r = ::read(f.fd, &out[got], out.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  out.resize(got);
  return out;
}

std::string u64_bytes(std::int64_t v) {
  std::string s;
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xff));
  return s;
}
std::int64_t bytes_u64(std::string_view s) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return static_cast<std::int64_t>(v);
}

void check_deadline(StoreDeadline deadline) {
  if (std::chrono::steady_clock::now() > deadline) fail(Errc::timeout, "shared cache: file store call timed out");
}

}  // namespace

FileStore::FileStore(std::string directory) : dir_(std::move(directory)) {
  if (dir_.empty()) fail(Errc::config, "cache.path: required for the file cache");
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST)
    fail(Errc::config, "cache.path: cannot create the cache directory");
  struct stat st;
  if (::lstat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    fail(Errc::config, "cache.path: not a directory (a symbolic link is refused)");
  if (st.st_uid != ::geteuid())
    fail(Errc::config, "cache.path: the directory is not owned by this user");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    fail(Errc::config, "cache.path: the directory is writable by group or others (want mode 0700)");
}

FileStore::~FileStore() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto &h : held_) ::close(h.second.fd);
}

std::string FileStore::path_of(const std::string &key, const char *suffix) const {
  const std::string d = digest(HashAlg::sha256, key);
  return dir_ + "/" + hex_encode(reinterpret_cast<const std::uint8_t *>(d.data()), d.size()) + suffix;
}

std::optional<std::string> FileStore::read_entry(const std::string &key) const {
  auto bytes = read_small(path_of(key, ".tok"), kMaxEntryFile);
  if (!bytes || bytes->size() < 8) return std::nullopt;
  if (bytes_u64(*bytes) <= system_now_ms()) return std::nullopt;
  return bytes->substr(8);
}

std::optional<std::string> FileStore::get(const std::string &key, StoreDeadline deadline) {
  check_deadline(deadline);
  return read_entry(key);
}

void FileStore::put(const std::string &key, std::string_view value, std::int64_t ttl_ms, StoreDeadline deadline) {
  check_deadline(deadline);
  if (ttl_ms <= 0) return;
  const std::string path = path_of(key, ".tok");
  const std::string tmp = path + ".tmp" + hex_encode(reinterpret_cast<const std::uint8_t *>(random_bytes(8).data()), 8);
  Fd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (f.fd < 0) fail(Errc::io, "shared cache: cannot write an entry file");
  std::string data = u64_bytes(system_now_ms() + ttl_ms);
  data.append(value);
  const bool ok = write_all(f.fd, data.data(), data.size());
  secure_wipe(data);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    fail(Errc::io, "shared cache: cannot write an entry file");
  }
}

bool FileStore::acquire(const std::string &key, const std::string &owner, std::int64_t lease_ms,
                        StoreDeadline deadline) {
  check_deadline(deadline);
  const std::string path = path_of(key, ".lease");
  const std::string lease = u64_bytes(system_now_ms() + lease_ms);
  Fd f(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (f.fd < 0) fail(Errc::io, "shared cache: cannot open a lease file");
  if (::flock(f.fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) fail(Errc::io, "shared cache: cannot lock a lease file");
    // Held: free again only when its holder outlived its lease (a dead holder's flock is already gone).
    char buf[8];
    if (::pread(f.fd, buf, 8, 0) != 8 || bytes_u64(std::string_view(buf, 8)) > system_now_ms()) return false;
    // Take over: a new lease file, locked, replaces the stuck one.
    const std::string tmp = path + ".tmp" + hex_encode(reinterpret_cast<const std::uint8_t *>(random_bytes(8).data()), 8);
    Fd n(::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (n.fd < 0 || ::flock(n.fd, LOCK_EX | LOCK_NB) != 0 || !write_all(n.fd, lease.data(), lease.size()) ||
        ::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      return false;
    }
    struct stat a, b;
    if (::fstat(n.fd, &a) != 0 || ::stat(path.c_str(), &b) != 0 || a.st_ino != b.st_ino) return false;
    std::lock_guard<std::mutex> lock(mu_);
    held_.emplace(key, Held{n.fd, owner});
    n.fd = -1;
    return true;
  }
  // Locked: the file may have been replaced since it was opened; the lock counts only on the current one.
  struct stat a, b;
  if (::fstat(f.fd, &a) != 0 || ::stat(path.c_str(), &b) != 0 || a.st_ino != b.st_ino) return false;
  if (::pwrite(f.fd, lease.data(), lease.size(), 0) != 8) fail(Errc::io, "shared cache: cannot write a lease file");
  std::lock_guard<std::mutex> lock(mu_);
  held_.emplace(key, Held{f.fd, owner});
  f.fd = -1;
  return true;
}

void FileStore::release(const std::string &key, const std::string &owner, StoreDeadline) {
  std::lock_guard<std::mutex> lock(mu_);
  auto range = held_.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.owner != owner) continue;
    const std::string zero = u64_bytes(0);
    (void)!::pwrite(it->second.fd, zero.data(), zero.size(), 0);
    ::close(it->second.fd);  // releases the flock
    held_.erase(it);
    return;
  }
}

void FileStore::remove_if(const std::string &key, std::string_view value, StoreDeadline deadline) {
  check_deadline(deadline);
  const std::string path = path_of(key, ".tok");
  Fd f(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (f.fd < 0) return;
  struct stat a;
  if (::fstat(f.fd, &a) != 0 || !S_ISREG(a.st_mode) || static_cast<std::size_t>(a.st_size) > kMaxEntryFile) return;
  std::string bytes(static_cast<std::size_t>(a.st_size), '\0');
  if (::pread(f.fd, &bytes[0], bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) return;
  const bool same = bytes.size() >= 8 && std::string_view(bytes).substr(8) == value;
  secure_wipe(bytes);
  if (!same) return;
  // Only the file read is removed: a newer entry renamed over it since keeps its own inode.
  struct stat b;
  if (::stat(path.c_str(), &b) == 0 && b.st_ino == a.st_ino) ::unlink(path.c_str());
}

std::optional<std::string> FileStore::wait(const std::string &key, StoreDeadline deadline) {
  return poll_wait(*this, key, deadline);
}

std::string FileStore::describe() const {
  std::string out = "{\"kind\":\"file\",\"path\":";
  json_quote_append(out, dir_);
  return out + "}";
}

}  // namespace m2mauth::core::cache
