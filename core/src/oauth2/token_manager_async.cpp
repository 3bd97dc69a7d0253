// The token manager's completion-callback forms: get_async waiters queue on the manager (no thread
// parked per caller), the one refresh completes them, a dispatcher thread delivers outcomes, timeouts
// and cancellations, and a few sender threads run request_async's sends.
#include <algorithm>
#include <chrono>

#include "dpop/attach.hpp"
#include "m2mauth/core/random.hpp"
#include "m2mauth/core/telemetry.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "oauth2/token_manager_impl.hpp"

namespace m2mauth::core {

namespace {

constexpr std::size_t kMaxSenders = 4;

Error cancelled_error(const char *what) { return Error(Errc::cancelled, what); }

}  // namespace

void TokenManager::deliver(Ready &ready, bool stopping) {
  Waiter &w = *ready.waiter;
  if (w.cancel) w.cancel->unsubscribe(w.cancel_id);  // from here on the cancel cannot reach this waiter
  std::optional<Error> error = std::move(ready.error);
  if (stopping) error = cancelled_error("the token manager was freed before a token was available");
  // Counted before the callback runs, so stats read from it (or after it) include this wait.
  if (w.waiting_since) w.entry->counters.count_wait(*w.waiting_since);
  try {
    if (error) {
      w.cb(nullptr, &*error);
    } else {
      TokenView v = view_of_snapshot(*ready.snap);
      w.cb(&v, nullptr);
    }
  } catch (...) {
    // a callback's failure never stops the manager
  }
}

void TokenManager::get_async(const TokenScope *scope, const CallOptions &options, std::shared_ptr<Cancel> cancel,
                             TokenCallback cb) {
  if (!cb) fail(Errc::invalid_argument, "no completion callback");
  Entry &entry = entry_of(scope);
  auto w = std::make_shared<Waiter>();
  w->entry = &entry;
  w->cb = std::move(cb);
  w->cancel = std::move(cancel);
  w->deadline = wait_deadline(&options);
  if (w->cancel) {
    // Registered before the waiter is queued, so its id is known to whoever completes it.
    std::weak_ptr<Waiter> weak = w;
    w->cancel_id = w->cancel->subscribe([this, weak] {
      std::shared_ptr<Waiter> mine = weak.lock();
      if (!mine) return;
      {
        std::lock_guard<std::mutex> lock(dispatch_mutex_);
        auto it = std::find(waiters_.begin(), waiters_.end(), mine);
        if (it == waiters_.end()) return;  // completed meanwhile
        waiters_.erase(it);
        ready_.push_back(Ready{std::move(mine), nullptr, cancelled_error("the wait for a token was cancelled")});
      }
      dispatch_cv_.notify_one();
    });
  }
  Ready now_ready{w, nullptr, std::nullopt};
  std::uint64_t generation = 0;
  bool at_once = true;
  {
    std::unique_lock<std::mutex> lock(entry.mu);
    const std::int64_t t = now();
    const std::int64_t next = next_start_ms(entry);
    if (w->cancel && w->cancel->requested()) {
      now_ready.error = cancelled_error("the token read was cancelled");
    } else if (entry.current && t < entry.current->stale_at_ms) {
      if (t >= entry.current->refresh_at_ms && !entry.in_flight && t >= next) start_refresh_locked(entry, lock, true);
      KeyCounters::add(entry.counters.locked_hits);
      now_ready.snap = entry.current;
      generation = entry.generation.load(std::memory_order_relaxed);
    } else if (!entry.in_flight && entry.last_error && t < entry.error_until_ms &&
               !transient_failure(*entry.last_error)) {
      now_ready.error = backoff_error(entry, t);  // a permanent error goes to the caller at once
    } else if (!entry.in_flight && t < next &&
               std::chrono::steady_clock::now() + std::chrono::milliseconds(next - t) > w->deadline) {
      // Too soon for another fetch (backoff or the floor) and this caller cannot wait that long.
      if (entry.last_error) now_ready.error = backoff_error(entry, t);
      else now_ready.error = floor_error(next - t);
    } else {
      at_once = false;
      w->waiting_since = std::chrono::steady_clock::now();  // stats(): counted in deliver()
      {
        std::lock_guard<std::mutex> dl(dispatch_mutex_);
        ensure_dispatcher_locked();
        waiters_.push_back(w);
      }
      dispatch_cv_.notify_one();  // a new deadline to watch
      if (!entry.in_flight) {
        try {
          if (t >= next) start_refresh_locked(entry, lock, true);
          else schedule_refresh_locked(entry, next - t);
        } catch (...) {
          // Not queued after all: the caller sees the failure and the callback never runs.
          {
            std::lock_guard<std::mutex> dl(dispatch_mutex_);
            waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), w), waiters_.end());
          }
          entry.in_flight = false;
          lock.unlock();
          if (w->cancel) w->cancel->unsubscribe(w->cancel_id);
          throw;
        }
      }
    }
  }
  if (!at_once) return;
  if (now_ready.snap) {
    // On this thread, like get(): the view lives in this thread's reader until its next call.
    Waiter &mine = *w;
    if (mine.cancel) mine.cancel->unsubscribe(mine.cancel_id);
    TokenView v = keep(entry, now_ready.snap, generation);
    mine.cb(&v, nullptr);
    return;
  }
  deliver(now_ready, false);
}

// Under entry.mu, after a refresh round: every waiter of this key gets the outcome: the token (even
// one whose lifetime is already over: they waited for this fetch) or the error. After a transient
// failure, waiters whose deadline leaves room for the retry keep waiting for it.
void TokenManager::complete_waiters_locked(Entry &entry, std::int64_t now_ms) {
  bool any = false, retry = false;
  const bool servable =
      entry.current && (now_ms < entry.current->stale_at_ms ||
                        (entry.current->round == entry.rounds && entry.current->short_lived));
  const bool transient =
      !servable && entry.last_error && transient_failure(*entry.last_error);
  const auto retry_at = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max<std::int64_t>(0, next_start_ms(entry) - now_ms));
  {
    std::lock_guard<std::mutex> lock(dispatch_mutex_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if ((*it)->entry != &entry) {
        ++it;
        continue;
      }
      if (transient && (*it)->deadline >= retry_at) {
        retry = true;
        ++it;
        continue;
      }
      Ready r{*it, nullptr, std::nullopt};
      if (servable) r.snap = entry.current;
      else if (entry.last_error) r.error = backoff_error(entry, now_ms);
      else r.error = wait_timeout_error();
      ready_.push_back(std::move(r));
      it = waiters_.erase(it);
      any = true;
    }
  }
  if (retry) schedule_refresh_locked(entry, std::max<std::int64_t>(0, next_start_ms(entry) - now_ms));
  if (any) dispatch_cv_.notify_one();
}

bool TokenManager::has_waiters(const Entry &entry) {
  std::lock_guard<std::mutex> lock(dispatch_mutex_);
  return std::any_of(waiters_.begin(), waiters_.end(), [&entry](const auto &w) { return w->entry == &entry; });
}

void TokenManager::ensure_dispatcher_locked() {
  if (dispatch_stopping_) fail(Errc::state, "the token manager is being freed");
  if (!dispatcher_.joinable()) dispatcher_ = std::thread([this] { dispatch_loop(); });
}

void TokenManager::dispatch_loop() {
  std::unique_lock<std::mutex> lock(dispatch_mutex_);
  while (!dispatch_stopping_) {
    const auto t = std::chrono::steady_clock::now();
    auto next = std::chrono::steady_clock::time_point::max();
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if ((*it)->deadline <= t) {
        ready_.push_back(Ready{*it, nullptr, wait_timeout_error()});
        it = waiters_.erase(it);
      } else {
        next = std::min(next, (*it)->deadline);
        ++it;
      }
    }
    if (!ready_.empty()) {
      std::vector<Ready> batch;
      batch.swap(ready_);
      lock.unlock();
      for (Ready &r : batch) deliver(r, false);
      lock.lock();
      continue;
    }
    if (next == std::chrono::steady_clock::time_point::max()) dispatch_cv_.wait(lock);
    else dispatch_cv_.wait_until(lock, next);
  }
}

void TokenManager::post_send(std::function<void(bool)> job) {
  {
    std::lock_guard<std::mutex> lock(send_mutex_);
    if (!send_stopping_) {
      sends_.push_back(std::move(job));
      if (idle_senders_ == 0 && senders_.size() < kMaxSenders) senders_.emplace_back([this] { send_loop(); });
      send_cv_.notify_one();
      return;
    }
  }
  job(true);
}

void TokenManager::send_loop() {
  std::unique_lock<std::mutex> lock(send_mutex_);
  while (true) {
    ++idle_senders_;
    send_cv_.wait(lock, [&] { return send_stopping_ || !sends_.empty(); });
    --idle_senders_;
    if (send_stopping_) return;
    std::function<void(bool)> job = std::move(sends_.front());
    sends_.erase(sends_.begin());
    lock.unlock();
    job(false);
    job = nullptr;  // what it holds (a caller's trace context) is released without the lock
    lock.lock();
  }
}

void TokenManager::request_async(Request req, const CallOptions &options, std::shared_ptr<Cancel> cancel,
                                 ResponseCallback cb) {
  if (!cb) fail(Errc::invalid_argument, "no completion callback");
  if (!options_.idempotency_header.empty() && req.header(options_.idempotency_header) == nullptr)
    req.set_header(options_.idempotency_header, uuid_v4());
  CallOptions o = options;
  o.cancel = nullptr;
  if (o.timeout_ms > 0) {
    const std::int64_t by = now() + o.timeout_ms;
    o.deadline_ms = o.deadline_ms == 0 ? by : std::min(o.deadline_ms, by);
  }
  auto shared_req = std::make_shared<Request>(std::move(req));
  auto shared_cb = std::make_shared<ResponseCallback>(std::move(cb));
  // The caller's trace context, for the spans of the sends a pool thread makes (null: no tracer).
  std::shared_ptr<void> parent = telemetry::capture_context();
  get_async(nullptr, o, cancel, [this, o, cancel, shared_req, shared_cb, parent](const TokenView *view, const Error *error) {
    if (error != nullptr) {
      (*shared_cb)(nullptr, error);
      return;
    }
    auto token = std::make_shared<SecretString>(std::string(view->access_token));
    auto scheme = std::make_shared<std::string>(view->scheme);
    authorize_with(*shared_req, *view, *client_);
    post_send([this, o, cancel, shared_req, shared_cb, token, scheme, parent](bool stopping) {
      std::optional<Response> resp;
      std::optional<Error> err;
      if (stopping) {
        err = cancelled_error("the token manager was freed before the request was sent");
      } else {
        // Stopped by the caller's cancel or by the manager's destruction, whichever comes first.
        Cancel either;
        CancelSubscription by_caller(cancel.get(), [&either] { either.request(); });
        CancelSubscription by_manager(&stop_, [&either] { either.request(); });
        CallOptions call = o;
        call.cancel = &either;
        const telemetry::ParentScope trace_parent(parent.get());
        try {
          int sends = 0;
          const telemetry::SendInfo info{telemetry::SpanKind::request, client_->config().client_id,
                                         client_->config().scope.scope, {}, 0};
          auto send = [&] {
            telemetry::SendInfo i = info;
            i.resend_count = sends++;
            return telemetry::send(*client_->transport(), *shared_req, with_deadline(call, now()), i);
          };
          resp = send();
          // As request(): one more send with a DPoP nonce the server asked for, one more with a new token.
          bool nonce_retried = false, token_retried = false;
          while (resp->status == 401 || shared_req->header("DPoP") != nullptr) {
            if (dpop_nonce_retry(*shared_req, *resp, *client_) && !nonce_retried) {
              nonce_retried = true;
              TokenView same;
              same.access_token = token->reveal();
              same.scheme = *scheme;
              authorize_with(*shared_req, same, *client_);
            } else if (resp->status == 401 && !token_retried) {
              token_retried = true;
              invalidate(token->reveal());
              TokenView again = get(nullptr, call);
              authorize_with(*shared_req, again, *client_);
              *token = SecretString(std::string(again.access_token));
              *scheme = std::string(again.scheme);
            } else {
              break;
            }
            resp = send();
          }
        } catch (const Error &e) {
          err = e;
        } catch (const std::bad_alloc &) {
          err = Error(Errc::out_of_memory, "out of memory");
        } catch (...) {
          err = Error(Errc::generic, "request failed");
        }
      }
      if (const std::string *auth = shared_req->header("Authorization")) secure_wipe(const_cast<std::string &>(*auth));
      try {
        if (err) (*shared_cb)(nullptr, &*err);
        else (*shared_cb)(&*resp, nullptr);
      } catch (...) {
      }
    });
  });
}

// From the destructor, after the refresh thread has stopped: senders finish (their transfers are
// cancelled by stop_), then every waiter still queued is completed with Error(cancelled) here.
void TokenManager::stop_async() {
  std::vector<std::thread> senders;
  std::vector<std::function<void(bool)>> pending_sends;
  {
    std::lock_guard<std::mutex> lock(send_mutex_);
    send_stopping_ = true;
    senders.swap(senders_);
    pending_sends.swap(sends_);
  }
  send_cv_.notify_all();
  for (auto &t : senders) t.join();
  for (auto &job : pending_sends) job(true);
  {
    std::lock_guard<std::mutex> lock(dispatch_mutex_);
    dispatch_stopping_ = true;
  }
  dispatch_cv_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  std::vector<Ready> left;
  {
    std::lock_guard<std::mutex> lock(dispatch_mutex_);
    left.swap(ready_);
    for (auto &w : waiters_) left.push_back(Ready{w, nullptr, std::nullopt});
    waiters_.clear();
  }
  for (Ready &r : left) deliver(r, true);
}

}  // namespace m2mauth::core
