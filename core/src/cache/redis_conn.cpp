// RedisConn: one bounded connection to Redis over hiredis 0.14 (redis_conn.hpp).
#include "cache/redis_conn.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <new>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core::cache {
namespace {

// Our reader object functions: hiredis hands the parse tree to them piece by piece. They never
// throw into C: a failure returns nullptr, which hiredis reports as an out-of-memory reader error
// (we say protocol or too_large, see `refused`).
struct ReaderState {
  std::size_t max_string = 0;
  bool refused = false;  // a bound of ours, not a parse error
};

RedisReply::Type type_of(int t) {
  switch (t) {
    case REDIS_REPLY_STRING: return RedisReply::Type::string;
    case REDIS_REPLY_ARRAY: return RedisReply::Type::array;
    case REDIS_REPLY_INTEGER: return RedisReply::Type::integer;
    case REDIS_REPLY_STATUS: return RedisReply::Type::status;
    case REDIS_REPLY_ERROR: return RedisReply::Type::error;
    default: return RedisReply::Type::nil;
  }
}

// The bounds of the read running on this thread (set by RedisConn::read; a connection is read by one
// thread at a time, and hiredis 0.14's reader offers no per-reader pointer our functions can see).
thread_local ReaderState *t_reader_state = nullptr;

ReaderState *state_of(const redisReadTask *) { return t_reader_state; }

// Attaches obj to its parent array, if any; false when the index is out of the parent's bounds.
bool attach(const redisReadTask *task, RedisReply *obj) {
  if (task->parent == nullptr) return true;
  auto *parent = static_cast<RedisReply *>(task->parent->obj);
  if (parent == nullptr || task->idx < 0 || static_cast<std::size_t>(task->idx) >= parent->elements.size())
    return false;
  parent->elements[static_cast<std::size_t>(task->idx)].reset(obj);
  return true;
}

void *finish(const redisReadTask *task, std::unique_ptr<RedisReply> r) {
  RedisReply *raw = r.release();
  if (!attach(task, raw)) {
    delete raw;
    return nullptr;
  }
  return raw;
}

void *create_string(const redisReadTask *task, char *str, size_t len) noexcept {
  try {
    ReaderState *st = state_of(task);
    if (st != nullptr && len > st->max_string) {
      st->refused = true;
      return nullptr;
    }
    auto r = std::make_unique<RedisReply>();
    r->type = type_of(task->type);
    r->str.assign(str, len);
    return finish(task, std::move(r));
  } catch (...) {
    return nullptr;
  }
}

void *create_array(const redisReadTask *task, int elements) noexcept {
  try {
    if (elements < 0 || elements > RedisConn::kMaxElements) {
      if (ReaderState *st = state_of(task)) st->refused = true;
      return nullptr;
    }
    auto r = std::make_unique<RedisReply>();
    r->type = RedisReply::Type::array;
    r->elements.resize(static_cast<std::size_t>(elements));
    return finish(task, std::move(r));
  } catch (...) {
    return nullptr;
  }
}

void *create_integer(const redisReadTask *task, long long value) noexcept {
  try {
    auto r = std::make_unique<RedisReply>();
    r->type = RedisReply::Type::integer;
    r->integer = value;
    return finish(task, std::move(r));
  } catch (...) {
    return nullptr;
  }
}

void *create_nil(const redisReadTask *task) noexcept {
  try {
    auto r = std::make_unique<RedisReply>();
    r->type = RedisReply::Type::nil;
    return finish(task, std::move(r));
  } catch (...) {
    return nullptr;
  }
}

// hiredis frees only the root of a tree (children belong to their parents' vectors).
void free_object(void *obj) noexcept { delete static_cast<RedisReply *>(obj); }

redisReplyObjectFunctions g_functions = {create_string, create_array, create_integer, create_nil, free_object};

timeval to_timeval(std::int64_t ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

[[noreturn]] void timed_out(const char *what) {
  fail(Errc::timeout, std::string("redis: ") + what + ": the cache deadline passed");
}

}  // namespace

std::int64_t remaining_ms(StoreDeadline deadline) noexcept {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? left.count() : 0;
}

RedisConn::~RedisConn() { drop(); }

void RedisConn::drop() noexcept {
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  if (out_secret_) secure_wipe(out_);
  out_.clear();
  out_secret_ = false;
}

void RedisConn::connect(const RedisUrl &url, StoreDeadline deadline) {
  std::int64_t left = remaining_ms(deadline);
  if (left <= 0) timed_out("connect");
  redisContext *c = redisConnectWithTimeout(url.host.c_str(), url.port, to_timeval(left));
  if (c == nullptr) throw std::bad_alloc();
  if (c->err != 0) {
    redisFree(c);
    if (remaining_ms(deadline) <= 0) timed_out("connect");
    fail(Errc::network, "redis: cannot connect to the cache server");
  }
  c->reader->fn = &g_functions;
  ctx_ = c;
  pid_ = static_cast<int>(::getpid());
}

void RedisConn::ensure(const RedisUrl &url, StoreDeadline deadline) {
  if (ctx_ != nullptr && pid_ != static_cast<int>(::getpid())) drop();  // closes only this process's copy
  if (ctx_ != nullptr) return;
  connect(url, deadline);
  if (!url.password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!url.user.empty()) auth.emplace_back(url.user);
    auth.emplace_back(url.password.reveal());
    append(auth, true);
    flush(deadline);
    auto r = read(deadline);
    if (r->type != RedisReply::Type::status)
      fail(Errc::config, "redis: the cache server refused AUTH (check the user and password of the cache url)");
  }
  if (url.db != 0) {
    std::string db = std::to_string(url.db);
    auto r = call({"SELECT", db}, deadline);
    if (r->type != RedisReply::Type::status)
      fail(Errc::config, "redis: the cache server refused SELECT of the database in the cache url");
  }
}

void RedisConn::append(const std::vector<std::string_view> &args, bool secret) {
  std::vector<const char *> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (auto a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char *cmd = nullptr;
  int n = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), argv.data(), lens.data());
  if (n < 0 || cmd == nullptr) throw std::bad_alloc();
  out_.append(cmd, static_cast<std::size_t>(n));
  if (secret) secure_wipe(cmd, static_cast<std::size_t>(n));
  redisFreeCommand(cmd);
  out_secret_ = out_secret_ || secret;
}

void RedisConn::wait_fd(short events, StoreDeadline deadline, const char *what) {
  while (true) {
    std::int64_t left = remaining_ms(deadline);
    if (left <= 0) timed_out(what);
    pollfd p{ctx_->fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left > 60000 ? 60000 : left));
    if (r > 0) return;
    if (r < 0 && errno != EINTR) fail(Errc::network, std::string("redis: ") + what + ": poll failed");
  }
}

void RedisConn::flush(StoreDeadline deadline) {
  std::size_t sent = 0;
  while (sent < out_.size()) {
    wait_fd(POLLOUT, deadline, "send");
    ssize_t n = ::send(ctx_->fd, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      fail(Errc::network, "redis: send to the cache server failed");
    }
    sent += static_cast<std::size_t>(n);
  }
  if (out_secret_) secure_wipe(out_);
  out_.clear();
  out_secret_ = false;
}

std::unique_ptr<RedisReply> RedisConn::read(StoreDeadline deadline) {
  ReaderState st;
  st.max_string = max_reply_bytes_;
  struct Scope {
    ReaderState *saved;
    explicit Scope(ReaderState *s) : saved(t_reader_state) { t_reader_state = s; }
    ~Scope() { t_reader_state = saved; }
  } scope(&st);
  bool timeout_set = false;
  while (true) {
    void *obj = nullptr;
    if (redisGetReplyFromReader(ctx_, &obj) != REDIS_OK) {
      if (st.refused) fail(Errc::too_large, "redis: a reply of the cache server exceeds this client's bounds");
      fail(Errc::protocol, "redis: the cache server sent a reply that is not valid RESP");
    }
    if (obj != nullptr) return std::unique_ptr<RedisReply>(static_cast<RedisReply *>(obj));
    wait_fd(POLLIN, deadline, "receive");
    if (!timeout_set) {
      // A backstop to the poll above: no single read may block beyond the deadline.
      redisSetTimeout(ctx_, to_timeval(remaining_ms(deadline) + 1));
      timeout_set = true;
    }
    if (redisBufferRead(ctx_) != REDIS_OK) {
      if (ctx_->err == REDIS_ERR_EOF) fail(Errc::network, "redis: the cache server closed the connection");
      if (remaining_ms(deadline) <= 0) timed_out("receive");
      fail(Errc::network, "redis: receive from the cache server failed");
    }
    redisReader *rd = ctx_->reader;
    if (rd->len - rd->pos > max_reply_bytes_ + 64)
      fail(Errc::too_large, "redis: a reply of the cache server exceeds this client's bounds");
  }
}

std::unique_ptr<RedisReply> RedisConn::call(const std::vector<std::string_view> &args, StoreDeadline deadline) {
  append(args);
  flush(deadline);
  return read(deadline);
}

}  // namespace m2mauth::core::cache
