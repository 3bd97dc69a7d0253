/*
 * tests/oauth1: signs requests through the C API for test_oauthlib.py, one per input line.
 *
 * Input line: space-separated key=HEX fields (HEX = the value's bytes in hexadecimal, "" for empty):
 *   method url ctype body           the request (ctype, body optional)
 *   ckey csecret token tsecret      credentials (token optional: none when absent)
 *   sm place version                method name, "header"/"query"/"body", "1"/"0"
 *   realm callback verifier rsakey  optional; rsakey is the path of a PEM private key
 *   nonce ts                        optional fixed nonce and timestamp (decimal text)
 *   xname xvalue                    repeated: extra protocol parameters, in order
 *   bodyhash                        optional: "1" signs oauth_body_hash (m2mauth_oauth1_set_body_hash)
 * Output line: "ok url=HEX body=HEX auth=HEX ctype=HEX base=HEX sig=HEX" (base and sig only with a
 * fixed nonce and timestamp), or "err code=N name=NAME".
 * Written in C99 against m2mauth.h only, so it also proves the header and the library work from C.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m2mauth/m2mauth.h"

#define MAX_FIELDS 64

typedef struct {
  char key[16];
  char *value; /* decoded, NUL-terminated */
  size_t len;
} field;

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void put_hex(const char *key, const unsigned char *data, size_t len) {
  size_t i;
  printf(" %s=", key);
  for (i = 0; i < len; ++i) printf("%02x", data[i]);
}

static const field *find(const field *f, int n, const char *key) {
  int i;
  for (i = 0; i < n; ++i)
    if (strcmp(f[i].key, key) == 0) return &f[i];
  return NULL;
}

static const char *text(const field *f, int n, const char *key) {
  const field *x = find(f, n, key);
  return x ? x->value : NULL;
}

static int parse(char *line, field *f) {
  int n = 0;
  char *tok = strtok(line, " \n");
  while (tok != NULL && n < MAX_FIELDS) {
    char *eq = strchr(tok, '=');
    size_t hexlen, i;
    if (eq == NULL || (size_t)(eq - tok) >= sizeof f[n].key) return -1;
    memcpy(f[n].key, tok, (size_t)(eq - tok));
    f[n].key[eq - tok] = 0;
    hexlen = strlen(eq + 1);
    if (hexlen % 2 != 0) return -1;
    f[n].len = hexlen / 2;
    f[n].value = malloc(f[n].len + 1);
    if (f[n].value == NULL) return -1;
    for (i = 0; i < f[n].len; ++i) {
      int hi = hexval(eq[1 + 2 * i]), lo = hexval(eq[2 + 2 * i]);
      if (hi < 0 || lo < 0) return -1;
      f[n].value[i] = (char)(hi * 16 + lo);
    }
    f[n].value[f[n].len] = 0;
    ++n;
    tok = strtok(NULL, " \n");
  }
  return n;
}

static int placement_of(const char *name) {
  if (name == NULL || strcmp(name, "header") == 0) return M2MAUTH_OAUTH1_IN_HEADER;
  if (strcmp(name, "query") == 0) return M2MAUTH_OAUTH1_IN_QUERY;
  if (strcmp(name, "body") == 0) return M2MAUTH_OAUTH1_IN_BODY;
  return 0;
}

/* Configures s from the fields; returns the first failing status. */
static m2mauth_status configure(m2mauth_oauth1 *s, const field *f, int n) {
  m2mauth_status rc = M2MAUTH_OK;
  int i, method;
  const char *rsa_path = text(f, n, "rsakey");
  const char *ts = text(f, n, "ts");
  rc = m2mauth_oauth1_method_from_name(&method, text(f, n, "sm") ? text(f, n, "sm") : "HMAC-SHA1");
  if (rc != M2MAUTH_OK) return rc;
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_consumer_secret(s, text(f, n, "csecret"));
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_token(s, text(f, n, "token"), text(f, n, "tsecret"));
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_method(s, method);
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_placement(s, placement_of(text(f, n, "place")));
  if (rc == M2MAUTH_OK && text(f, n, "version") != NULL)
    rc = m2mauth_oauth1_set_include_version(s, strcmp(text(f, n, "version"), "1") == 0);
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_realm(s, text(f, n, "realm"));
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_callback(s, text(f, n, "callback"));
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_verifier(s, text(f, n, "verifier"));
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_fixed_nonce(s, text(f, n, "nonce"));
  if (rc == M2MAUTH_OK && ts != NULL) rc = m2mauth_oauth1_set_fixed_timestamp(s, strtoll(ts, NULL, 10));
  if (rc == M2MAUTH_OK && text(f, n, "bodyhash") != NULL)
    rc = m2mauth_oauth1_set_body_hash(s, strcmp(text(f, n, "bodyhash"), "1") == 0);
  for (i = 0; rc == M2MAUTH_OK && i + 1 < n; ++i)
    if (strcmp(f[i].key, "xname") == 0 && strcmp(f[i + 1].key, "xvalue") == 0)
      rc = m2mauth_oauth1_add_param(s, f[i].value, f[i + 1].value);
  if (rc == M2MAUTH_OK && rsa_path != NULL) {
    m2mauth_key *key = NULL;
    rc = m2mauth_key_from_file(&key, rsa_path, NULL);
    if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_set_rsa_key(s, key);
    m2mauth_key_free(key);
  }
  return rc;
}

static m2mauth_status make_request(m2mauth_request **out, const field *f, int n) {
  const field *body = find(f, n, "body");
  m2mauth_status rc = m2mauth_request_new(out, text(f, n, "method"), text(f, n, "url"));
  if (rc == M2MAUTH_OK && text(f, n, "ctype") != NULL)
    rc = m2mauth_request_set_header(*out, "Content-Type", text(f, n, "ctype"));
  if (rc == M2MAUTH_OK && body != NULL) rc = m2mauth_request_set_body(*out, (const uint8_t *)body->value, body->len);
  return rc;
}

static void handle(const field *f, int n) {
  m2mauth_oauth1 *s = NULL;
  m2mauth_request *req = NULL, *original = NULL;
  m2mauth_buf base = M2MAUTH_BUF_INIT, sig = M2MAUTH_BUF_INIT;
  const char *nonce = text(f, n, "nonce"), *ts = text(f, n, "ts");
  m2mauth_status rc = m2mauth_oauth1_new(&s, text(f, n, "ckey"));
  if (rc == M2MAUTH_OK) rc = configure(s, f, n);
  if (rc == M2MAUTH_OK) rc = make_request(&req, f, n);
  if (rc == M2MAUTH_OK) rc = make_request(&original, f, n);
  if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_sign(s, req);
  if (rc == M2MAUTH_OK && nonce != NULL && ts != NULL) {
    rc = m2mauth_oauth1_base_string(&base, s, original, nonce, strtoll(ts, NULL, 10));
    if (rc == M2MAUTH_OK) rc = m2mauth_oauth1_signature(&sig, s, original, nonce, strtoll(ts, NULL, 10));
  }
  if (rc != M2MAUTH_OK) {
    printf("err code=%d name=%s\n", rc, m2mauth_error_name(rc));
  } else {
    size_t body_len = 0;
    const uint8_t *body = m2mauth_request_body(req, &body_len);
    const char *auth = m2mauth_request_header(req, "Authorization");
    const char *ctype = m2mauth_request_header(req, "Content-Type");
    const char *url = m2mauth_request_url(req);
    printf("ok");
    put_hex("url", (const unsigned char *)url, strlen(url));
    put_hex("body", body, body_len);
    put_hex("auth", (const unsigned char *)(auth ? auth : ""), auth ? strlen(auth) : 0);
    put_hex("ctype", (const unsigned char *)(ctype ? ctype : ""), ctype ? strlen(ctype) : 0);
    put_hex("base", base.ptr ? base.ptr : (const uint8_t *)"", base.size);
    put_hex("sig", sig.ptr ? sig.ptr : (const uint8_t *)"", sig.size);
    printf("\n");
  }
  m2mauth_buf_dispose(&base);
  m2mauth_buf_dispose(&sig);
  m2mauth_request_free(req);
  m2mauth_request_free(original);
  m2mauth_oauth1_free(s);
}

int main(void) {
  static char line[1 << 20];
  field f[MAX_FIELDS];
  if (m2mauth_version_number() != M2MAUTH_VERSION_NUMBER) {
    fprintf(stderr, "header and library versions differ\n");
    return 2;
  }
  while (fgets(line, sizeof line, stdin) != NULL) {
    int i, n = parse(line, f);
    if (n < 0) {
      printf("err code=0 name=bad-input\n");
    } else {
      handle(f, n);
    }
    for (i = 0; i < n; ++i) free(f[i].value);
    fflush(stdout);
  }
  return 0;
}
