/*
 * Reads a credential from senhasegura's A2A API (https://HOST/iso/pam/credential/ID) with the method
 * the configuration names (OAuth 2.0, OAuth 1.0 or the query token), optionally over mTLS and with
 * encrypted values decrypted. The password is used, never printed.
 *
 * Build: cc senhasegura_credential.c $(pkg-config --cflags --libs m2mauth)
 * Run:   M2MAUTH_CONFIG=a2a.json ./a.out 5            (or username@hostname)
 */
#include <m2mauth/m2mauth.h>

#include <stdio.h>
#include <string.h>

/* The string member `name` of a flat JSON object, copied into out. Enough for this example (it does not
   decode JSON escapes); a real program would use its JSON library. */
static void member(const char *json, const char *name, char *out, size_t size) {
  char key[64];
  const char *p, *end;
  snprintf(key, sizeof key, "\"%s\":\"", name);
  out[0] = '\0';
  if ((p = strstr(json, key)) == NULL) return;
  p += strlen(key);
  if ((end = strchr(p, '"')) == NULL) return;
  snprintf(out, size, "%.*s", (int)(end - p), p);
}

int main(int argc, char **argv) {
  const char *id = argc > 1 ? argv[1] : "5";
  int rc = 1;
  m2mauth_config *config = NULL;
  m2mauth_http *http = NULL;
  m2mauth_a2a *a2a = NULL;
  m2mauth_buf credential = M2MAUTH_BUF_INIT;
  char username[128], hostname[128], password[256];

  if (m2mauth_config_load(&config, NULL, 1) != M2MAUTH_OK || m2mauth_http_new_from_config(&http, config) != M2MAUTH_OK ||
      m2mauth_a2a_new_from_config(&a2a, config, http) != M2MAUTH_OK) {
    fprintf(stderr, "error: configuration: %s\n", m2mauth_error_last()->message);
    goto done;
  }
  if (m2mauth_a2a_credential(&credential, a2a, id) != M2MAUTH_OK) {
    const m2mauth_error *e = m2mauth_error_last();
    fprintf(stderr, "error: credential %s: %s (%s, vendor code %lld, HTTP %d)\n", id, e->message,
            m2mauth_error_name(e->code), (long long)e->vendor_code, e->http_status);
    goto done;
  }
  member((const char *)credential.ptr, "username", username, sizeof username);
  member((const char *)credential.ptr, "hostname", hostname, sizeof hostname);
  member((const char *)credential.ptr, "password", password, sizeof password);
  printf("   credential %s: %s@%s, password of %zu bytes (not shown)\n", id, username, hostname, strlen(password));
  memset(password, 0, sizeof password);
  rc = 0;

done:
  m2mauth_buf_dispose(&credential); /* wiped */
  m2mauth_a2a_free(a2a);
  m2mauth_http_free(http);
  m2mauth_config_free(config);
  return rc;
}
