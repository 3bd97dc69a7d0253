// Package cbench is the C baseline for the Go and Java signing benchmarks: one cgo call runs the whole
// loop of m2mauth_jwt_sign_json calls in C, so the time per call has no binding in it. Not part of the
// binding's API; used by m2mauth's bench_test.go.
package cbench

/*
#cgo pkg-config: m2mauth
#include <stdint.h>
#include <time.h>
#include <stdlib.h>
#include "m2mauth/m2mauth.h"

static int64_t cbench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// n signatures of claims with key under alg; the elapsed nanoseconds, or a negative status.
static int64_t cbench_sign_loop(const m2mauth_key *key, int alg, const char *claims, long n) {
  m2mauth_jws_header header = M2MAUTH_JWS_HEADER_INIT;
  m2mauth_buf out = M2MAUTH_BUF_INIT;
  int64_t start;
  long i;
  header.alg = alg;
  start = cbench_now_ns();
  for (i = 0; i < n; i++) {
    m2mauth_status st = m2mauth_jwt_sign_json(&out, key, claims, &header);
    if (st != M2MAUTH_OK) return st;
  }
  m2mauth_buf_dispose(&out);
  return cbench_now_ns() - start;
}

// One token signed with key under alg, then n verifications of it by one verifier (alg allowed; the
// claims read as JSON, as a binding reads them; aud accepted unless empty); the elapsed nanoseconds, or a negative status.
static int64_t cbench_verify_loop(const m2mauth_key *key, int alg, const char *claims, const char *aud, long n) {
  m2mauth_jws_header header = M2MAUTH_JWS_HEADER_INIT;
  m2mauth_buf token = M2MAUTH_BUF_INIT, json = M2MAUTH_BUF_INIT;
  m2mauth_verifier *v = NULL;
  m2mauth_status st;
  int64_t start = 0, end = 0;
  long i;
  header.alg = alg;
  st = m2mauth_jwt_sign_json(&token, key, claims, &header);
  if (st == M2MAUTH_OK) st = m2mauth_verifier_new(&v, key, (uint32_t)1 << alg);
  if (st == M2MAUTH_OK && aud[0] != 0) st = m2mauth_verifier_add_audience(v, aud);
  if (st == M2MAUTH_OK) {
    start = cbench_now_ns();
    for (i = 0; i < n && st == M2MAUTH_OK; i++) {
      m2mauth_claims *c = NULL;
      st = m2mauth_verifier_verify(&c, v, (const char *)token.ptr);
      if (st == M2MAUTH_OK) st = m2mauth_claims_to_json(&json, c);
      m2mauth_claims_free(c);
    }
    end = cbench_now_ns();
  }
  m2mauth_verifier_free(v);
  m2mauth_buf_dispose(&token);
  m2mauth_buf_dispose(&json);
  return st == M2MAUTH_OK ? end - start : st;
}

static m2mauth_key *cbench_key(int alg) {
  m2mauth_key *k = NULL;
  if (alg == M2MAUTH_ALG_HS256) m2mauth_key_generate_hmac(&k, 32);
  else m2mauth_key_generate_rsa(&k, 2048);
  return k;
}
*/
import "C"

import (
	"errors"
	"time"
	"unsafe"
)

// Key is a C key for one algorithm (HS256: a 32-byte secret; RS256: RSA 2048).
type Key struct{ k *C.m2mauth_key }

// NewKey makes a key for alg (1 = HS256, 4 = RS256).
func NewKey(alg int) (*Key, error) {
	k := C.cbench_key(C.int(alg))
	if k == nil {
		return nil, errors.New("cbench: key generation failed")
	}
	return &Key{k}, nil
}

// Close frees the key.
func (k *Key) Close() { C.m2mauth_key_free(k.k) }

// SignLoop signs claims n times in C and returns the total time.
func (k *Key) SignLoop(alg int, claims string, n int) (time.Duration, error) {
	cs := C.CString(claims)
	defer C.free(unsafe.Pointer(cs))
	ns := C.cbench_sign_loop(k.k, C.int(alg), cs, C.long(n))
	if ns < 0 {
		return 0, errors.New("cbench: signing failed")
	}
	return time.Duration(ns), nil
}

// VerifyLoop verifies one token of claims (signed with k under alg; aud the accepted audience) n times in C and returns the total
// time. The claims' times must be valid now.
func (k *Key) VerifyLoop(alg int, claims, aud string, n int) (time.Duration, error) {
	cs, ca := C.CString(claims), C.CString(aud)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(ca))
	ns := C.cbench_verify_loop(k.k, C.int(alg), cs, ca, C.long(n))
	if ns < 0 {
		return 0, errors.New("cbench: verification failed")
	}
	return time.Duration(ns), nil
}
