// Internal: the `file` store: processes on one host share tokens through a private directory.
//
// The directory is created 0700 and refused (Error(config)) when it is not a directory owned by this
// user or is writable by group or others. One entry file per key, "<hex>.tok", and one lease file,
// "<hex>.lease", where <hex> is the SHA-256 of the key (so path names never come from peer or user
// text). An entry is replaced atomically (a temporary file, then rename). The lease is an flock on
// the lease file, which the kernel releases when its holder dies, with the lease's expiry written in
// it: a holder alive past its lease is taken over by replacing the lease file. wait() polls with jitter.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "m2mauth/core/shared_store.hpp"

namespace m2mauth::core::cache {

class FileStore : public SharedStore {
 public:
  explicit FileStore(std::string directory);
  ~FileStore() override;

  std::optional<std::string> get(const std::string &key, StoreDeadline deadline) override;
  void put(const std::string &key, std::string_view value, std::int64_t ttl_ms, StoreDeadline deadline) override;
  bool acquire(const std::string &key, const std::string &owner, std::int64_t lease_ms, StoreDeadline deadline) override;
  void release(const std::string &key, const std::string &owner, StoreDeadline deadline) override;
  void remove_if(const std::string &key, std::string_view value, StoreDeadline deadline) override;
  std::optional<std::string> wait(const std::string &key, StoreDeadline deadline) override;
  std::string describe() const override;

 private:
  std::string path_of(const std::string &key, const char *suffix) const;
  // The entry file's bytes: its expiry (8 bytes, Unix ms) and the value; nullopt when absent or expired.
  std::optional<std::string> read_entry(const std::string &key) const;

  std::string dir_;
  std::mutex mu_;
  struct Held {
    int fd;
    std::string owner;
  };
  std::multimap<std::string, Held> held_;  // leases this process holds, by key
};

}  // namespace m2mauth::core::cache
