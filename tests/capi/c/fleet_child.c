/* One process of the C API fleet (tests/capi/fleet_*_test.cpp): what an application written in C does
   with libm2mauth and nothing else. It loads a configuration file (m2mauth_config_load, the one format
   of every language, its "cache" section included), makes a token manager from it and reads the token
   from `threads` threads for run_ms milliseconds, a read every 10 ms per thread. Every read must succeed
   and give a token that has not expired by the system clock. At the end it prints what its manager
   reported through the event callback, one line on stdout:

     tokens=<n> shared_hit=<n> lease_wait=<n> shared_fallback=<n>

   tokens: the manager's new tokens (fetched and refreshed events), from the token endpoint or the shared
   cache; shared_hit: those of them taken from the shared cache, so tokens - shared_hit went to the
   endpoint; lease_wait: refreshes that waited for another process's; shared_fallback: refreshes that
   fetched locally because the store failed, was slow or another process's lease ran out.

     fleet_child <config.json> <threads> <run_ms>

   Exit status: 0 every read was good, 2 a read failed or gave an expired token, 3 the configuration or
   the manager could not be made, 64 bad arguments. Failures are written to stderr (status names and the
   library's messages, which never hold secrets). */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <m2mauth/m2mauth.h>

typedef struct reader {
  pthread_t thread;
  m2mauth_token_manager *manager;
  int64_t end_ms; /* on the monotonic clock */
  long reads;
  long bad;
  m2mauth_status first_error;
} reader;

/* The manager's events, counted (the callback runs on any reading thread or the manager's own). */
typedef struct event_counts {
  pthread_mutex_t mu;
  long tokens, shared_hit, lease_wait, shared_fallback;
} event_counts;

static void count_event(const m2mauth_token_event *event, void *payload) {
  event_counts *c = (event_counts *)payload;
  pthread_mutex_lock(&c->mu);
  switch (event->kind) {
    case M2MAUTH_TOKEN_EVENT_FETCHED:
    case M2MAUTH_TOKEN_EVENT_REFRESHED: ++c->tokens; break;
    case M2MAUTH_TOKEN_EVENT_SHARED_HIT: ++c->shared_hit; break;
    case M2MAUTH_TOKEN_EVENT_LEASE_WAIT: ++c->lease_wait; break;
    case M2MAUTH_TOKEN_EVENT_SHARED_FALLBACK: ++c->shared_fallback; break;
    default: break;
  }
  pthread_mutex_unlock(&c->mu);
}

static int64_t clock_ms(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *read_tokens(void *arg) {
  reader *r = (reader *)arg;
  /* 10 ms, not the 2 ms of the C++ fleet's children: 64 processes of 4 threads waking every 2 ms kept
     2 cores busy under AddressSanitizer, starving the processes themselves (store calls past fallback_ms,
     refreshes late); a token lives 2 s, refreshed 500 ms before it expires, so 10 ms reads miss nothing. */
  const struct timespec pause = {0, 10 * 1000 * 1000};
  do {
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    const m2mauth_status st = m2mauth_token_manager_get(&v, r->manager);
    ++r->reads;
    if (st != M2MAUTH_OK) {
      ++r->bad;
      if (r->first_error == M2MAUTH_OK) r->first_error = st;
    } else if (v.access_token == NULL || v.access_token_len == 0 || clock_ms(CLOCK_REALTIME) >= v.expires_at_ms) {
      ++r->bad;
    }
    nanosleep(&pause, NULL);
  } while (clock_ms(CLOCK_MONOTONIC) < r->end_ms);
  return NULL;
}

static int parse_int(const char *s, long lo, long hi, long *out) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return 0;
  *out = v;
  return 1;
}

int main(int argc, char **argv) {
  m2mauth_config *config = NULL;
  m2mauth_token_manager *manager = NULL;
  reader readers[64];
  event_counts events;
  long threads = 0, run_ms = 0, bad = 0;
  int64_t start_ms = 0, end_ms = 0; /* when the reads began and ended (Unix ms): the fleet's span */
  int i, started = 0;
  m2mauth_status st;

  if (argc != 4 || !parse_int(argv[2], 1, 64, &threads) || !parse_int(argv[3], 0, 600000, &run_ms)) {
    fprintf(stderr, "usage: fleet_child <config.json> <threads 1..64> <run_ms>\n");
    return 64;
  }
  memset(&events, 0, sizeof events);
  pthread_mutex_init(&events.mu, NULL);
  st = m2mauth_config_load(&config, argv[1], 0);
  if (st == M2MAUTH_OK) st = m2mauth_token_manager_new_from_config(&manager, config, NULL);
  if (st == M2MAUTH_OK) st = m2mauth_token_manager_set_event_cb(manager, count_event, &events, NULL);
  if (st != M2MAUTH_OK) {
    fprintf(stderr, "fleet_child: %s: %s\n", m2mauth_error_name(st), m2mauth_error_last()->message);
    m2mauth_token_manager_free(manager);
    m2mauth_config_free(config);
    return 3;
  }
  memset(readers, 0, sizeof readers);
  start_ms = clock_ms(CLOCK_REALTIME);
  for (i = 0; i < threads; ++i) {
    readers[i].manager = manager;
    readers[i].end_ms = clock_ms(CLOCK_MONOTONIC) + run_ms;
    if (pthread_create(&readers[i].thread, NULL, read_tokens, &readers[i]) != 0) break;
    ++started;
  }
  for (i = 0; i < started; ++i) {
    pthread_join(readers[i].thread, NULL);
    bad += readers[i].bad;
    if (readers[i].first_error != M2MAUTH_OK)
      fprintf(stderr, "fleet_child: a read failed: %s\n", m2mauth_error_name(readers[i].first_error));
  }
  end_ms = clock_ms(CLOCK_REALTIME);
  if (bad > 0) fprintf(stderr, "fleet_child: %ld bad reads\n", bad);
  m2mauth_token_manager_free(manager);
  m2mauth_config_free(config);
  printf("tokens=%ld shared_hit=%ld lease_wait=%ld shared_fallback=%ld start_ms=%lld end_ms=%lld\n", events.tokens,
         events.shared_hit, events.lease_wait, events.shared_fallback, (long long)start_ms, (long long)end_ms);
  pthread_mutex_destroy(&events.mu);
  return started == threads && bad == 0 ? 0 : 2;
}
