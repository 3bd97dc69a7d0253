/*
 * m2mauth.i: the SWIG interface shared by the Java and Go bindings.
 *
 * SWIG reads the REAL public headers (capi/include/m2mauth/*.h), so a signature can never drift from the
 * library. Nothing is wrapped unless an area file names it (allowlist.i), and every named function says
 * what it returns (status only, text, bytes, a new handle, a number), which picks the typemaps:
 *
 *   java.i / go.i   how each kind crosses into the language (the one status gate lives there)
 *   handles.i       opaque handles as shadow classes whose destructor calls m2mauth_<type>_free()
 *   <area>.i        the allow-list of one C header, then %include of that header
 *
 * Run as:  swig -java -package io.m2mauth.internal -I<capi/include> m2mauth.i
 *          swig -go -cgo -intgosize 64 -package raw -I<capi/include> m2mauth.i
 */
%module(docstring="m2mauth C API (generated, internal)") M2mauthNative

%{
#include <stdlib.h>
#include <string.h>
#include "m2mauth/m2mauth.h"

static char *m2mauth_glue_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = (char *)malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

/* Overwrites memory that held a secret in a way the compiler may not remove. */
static void m2mauth_glue_wipe(void *p, size_t n) {
  volatile unsigned char *v = (volatile unsigned char *)p;
  while (n--) *v++ = 0;
}

/* Wipes and frees a NUL-terminated private copy (NULL-safe). */
static void m2mauth_glue_free_secret(char *s) {
  if (s) {
    m2mauth_glue_wipe(s, strlen(s));
    free(s);
  }
}
%}

/* Macros the headers use that SWIG must read as nothing. */
#define M2MAUTH_EXTERN
#define M2MAUTH_DEPRECATED(msg)

%include "stdint.i"
%include "allowlist.i"

#if defined(SWIGJAVA)
%include "java.i"
#elif defined(SWIGGO)
%include "go.i"
#else
#error "m2mauth.i: only Java and Go are generated with SWIG (Python uses pybind11)"
#endif

%include "handles.i"

/* One area per C header, in dependency order. */
%include "common.i"
%include "call.i"
%include "util.i"
%include "key.i"
%include "cert.i"
%include "jws.i"
%include "jwt.i"
%include "request.i"
%include "http.i"
%include "oauth1.i"
%include "oauth2.i"
%include "dpop.i"
%include "senhasegura.i"
%include "config.i"
%include "glue.i"
%include "token_exchange.i"
%include "testing.i"
%include "token_stats.i"
%include "telemetry.i"
