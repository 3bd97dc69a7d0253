// One connection to Redis over hiredis 0.14 (redis_store.hpp says how the store uses two of them).
// hiredis connects (redisConnectWithTimeout) and parses replies (its reader, with our own object
// functions that refuse arrays of more than kMaxElements); we format commands with
// redisFormatCommandArgv and do the socket I/O ourselves: send() with MSG_NOSIGNAL (a dead server
// must not raise SIGPIPE in the application) and poll() bounded by the deadline before every read and
// write, the remaining time also set as the socket timeout (redisSetTimeout). A reply whose unread
// bytes exceed max_reply_bytes is refused (Errc::too_large) before it is complete, so a peer announcing
// a huge bulk string costs at most that much memory.
//
// Failures throw Error: network (refused, reset, closed), timeout (the deadline passed), protocol (a
// reply hiredis cannot parse, or nested or wide beyond our bounds), too_large, config (AUTH or
// SELECT refused). After any failure the owner must call drop(); the next ensure() reconnects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis_store.hpp"

struct redisContext;

namespace m2mauth::core::cache {

// A reply, as our reader functions build it.
struct RedisReply {
  enum class Type { string, array, integer, nil, status, error };
  Type type = Type::nil;
  std::string str;  // string, status, error
  long long integer = 0;
  std::vector<std::unique_ptr<RedisReply>> elements;
};

class RedisConn {
 public:
  static constexpr int kMaxElements = 16;

  explicit RedisConn(std::size_t max_reply_bytes) : max_reply_bytes_(max_reply_bytes) {}
  ~RedisConn();
  RedisConn(const RedisConn &) = delete;
  RedisConn &operator=(const RedisConn &) = delete;

  bool connected() const noexcept { return ctx_ != nullptr; }
  // Connects, authenticates and selects the database unless connected (in this process: after fork()
  // the child closes its copy of the parent's socket and makes its own).
  void ensure(const RedisUrl &url, StoreDeadline deadline);
  // Queues one command (sent by flush()); `secret` wipes its formatted bytes after sending.
  void append(const std::vector<std::string_view> &args, bool secret = false);
  void flush(StoreDeadline deadline);
  // The next reply (never nullptr).
  std::unique_ptr<RedisReply> read(StoreDeadline deadline);
  // One command, one reply.
  std::unique_ptr<RedisReply> call(const std::vector<std::string_view> &args, StoreDeadline deadline);
  void drop() noexcept;

 private:
  void connect(const RedisUrl &url, StoreDeadline deadline);
  void wait_fd(short events, StoreDeadline deadline, const char *what);

  std::size_t max_reply_bytes_;
  redisContext *ctx_ = nullptr;
  int pid_ = 0;  // the process that connected: a child of fork() (a preforking server) connects anew
  std::string out_;
  bool out_secret_ = false;
};

// Milliseconds left until deadline (0 when it has passed).
std::int64_t remaining_ms(StoreDeadline deadline) noexcept;

}  // namespace m2mauth::core::cache
