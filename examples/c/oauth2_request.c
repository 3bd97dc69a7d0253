/*
 * An authenticated API call with a cached OAuth 2.0 token, configured the way every m2mauth language
 * is: a JSON file named by $M2MAUTH_CONFIG and/or M2MAUTH_* environment variables (see README,
 * "Configuration"). Secrets come from files or the environment, never from the command line.
 *
 * Build: cc oauth2_request.c $(pkg-config --cflags --libs m2mauth)
 * Run:   M2MAUTH_CONFIG=service.json ./a.out https://api.example.com/v1/accounts [count]
 */
#include <m2mauth/m2mauth.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what) {
  const m2mauth_error *e = m2mauth_error_last();
  fprintf(stderr, "error: %s: %s (%s", what, e->message, m2mauth_error_name(e->code));
  if (e->oauth_error[0] != '\0') fprintf(stderr, ", oauth error %s", e->oauth_error);
  if (e->http_status != 0) fprintf(stderr, ", HTTP %d", e->http_status);
  fprintf(stderr, "%s)\n", e->transient ? ", transient" : "");
  return 1;
}

/* Runs on the token manager's thread: one printf per line, so lines of two threads never mix. */
static void on_event(const m2mauth_token_event *ev, void *payload) {
  char error[64] = "";
  (void)payload;
  if (ev->kind == M2MAUTH_TOKEN_EVENT_FAILED) snprintf(error, sizeof error, " error=%s", m2mauth_error_name(ev->error_code));
  printf("   [event] %s client=%s scope=\"%s\"%s\n", m2mauth_token_event_name(ev->kind), ev->client_id, ev->scope, error);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s URL [count]\n", argv[0]);
    return 2;
  }
  int count = argc > 2 ? atoi(argv[2]) : 2;
  int rc = 1;
  m2mauth_config *config = NULL;
  m2mauth_http *http = NULL;
  m2mauth_token_manager *tokens = NULL;
  m2mauth_request *req = NULL;
  m2mauth_response *resp = NULL;
  m2mauth_token_view token = M2MAUTH_TOKEN_VIEW_INIT;

  if (m2mauth_config_load(&config, NULL, 1) != M2MAUTH_OK) return fail("configuration");
  if (m2mauth_http_new_from_config(&http, config) != M2MAUTH_OK) { rc = fail("transport"); goto done; }
  if (m2mauth_token_manager_new_from_config(&tokens, config, http) != M2MAUTH_OK) { rc = fail("token manager"); goto done; }
  m2mauth_token_manager_set_event_cb(tokens, on_event, NULL, NULL);

  if (m2mauth_token_manager_get(&token, tokens) != M2MAUTH_OK) { rc = fail("token"); goto done; }
  printf("   token: %s, %zu characters (not shown), expires at %lld ms\n", token.scheme, token.access_token_len,
         (long long)token.expires_at_ms);

  if (m2mauth_request_new(&req, "GET", argv[1]) != M2MAUTH_OK) { rc = fail("request"); goto done; }
  for (int i = 0; i < count; ++i) {
    size_t len = 0;
    if (m2mauth_token_manager_request(&resp, tokens, req) != M2MAUTH_OK) { rc = fail("API call"); goto done; }
    m2mauth_response_body(resp, &len);
    printf("   GET %s -> HTTP %d, %zu bytes\n", argv[1], m2mauth_response_status(resp), len);
    if (m2mauth_response_status(resp) != 200) { m2mauth_response_free(resp); goto done; }
    m2mauth_response_free(resp);
    resp = NULL;
  }
  rc = 0;

done:
  m2mauth_request_free(req);
  m2mauth_token_manager_free(tokens);
  m2mauth_http_free(http);
  m2mauth_config_free(config);
  return rc;
}
