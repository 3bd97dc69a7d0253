/*
 * Testing your own code against the token-endpoint test double (m2mauth/testing.h): "a token fetch fails
 * with 503, then recovers". The test starts a loopback token server, registers the client the code under
 * test uses, makes the next token request fail, and checks what the code did and what the server saw.
 *
 * Build: cc token_server_retry.c $(pkg-config --cflags --libs m2mauth)
 * Run:   ./a.out        (exit status 0: the test passed)
 */
#include <m2mauth/m2mauth.h>

#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "FAILED: %s (line %d)\n", #cond, __LINE__);    \
      return 1;                                                      \
    }                                                                \
  } while (0)

/* The code under test: fetches a token, retrying once when the failure is transient. */
static int fetch_with_one_retry(m2mauth_token_client *client, m2mauth_token **out) {
  m2mauth_status rc = m2mauth_token_client_fetch(out, client);
  if (rc != M2MAUTH_OK && m2mauth_error_is_transient(m2mauth_error_last())) rc = m2mauth_token_client_fetch(out, client);
  return rc;
}

static int run(m2mauth_test_server *server, m2mauth_http *http) {
  m2mauth_test_client reg = M2MAUTH_TEST_CLIENT_INIT;
  reg.client_id = "orders-service";
  reg.secret = "test-secret";
  reg.scopes = "orders.read";
  CHECK(m2mauth_test_server_add_client(server, &reg) == M2MAUTH_OK);
  CHECK(m2mauth_test_server_start(server) == M2MAUTH_OK);
  m2mauth_buf url = M2MAUTH_BUF_INIT;
  CHECK(m2mauth_test_server_url(&url, server) == M2MAUTH_OK);
  char token_url[128];
  snprintf(token_url, sizeof token_url, "%s/token", (const char *)url.ptr);
  m2mauth_buf_dispose(&url);

  /* The next token request fails: 503 with an OAuth error and Retry-After: 1. */
  CHECK(m2mauth_test_server_fail_next(server, 1, 503, "temporarily_unavailable", 1) == M2MAUTH_OK);

  m2mauth_token_client *client = NULL;
  CHECK(m2mauth_token_client_new(&client, token_url, "orders-service", http) == M2MAUTH_OK);
  m2mauth_token_client_set_secret(client, "test-secret");
  m2mauth_token *token = NULL;
  m2mauth_status rc = fetch_with_one_retry(client, &token);
  m2mauth_token_client_free(client);
  CHECK(rc == M2MAUTH_OK);
  CHECK(strcmp(m2mauth_token_scope(token), "orders.read") == 0);
  m2mauth_token_free(token);

  /* The server saw two token requests, one of them the injected failure. */
  CHECK(m2mauth_test_server_requests(server, "token") == 2);
  CHECK(m2mauth_test_server_requests(server, "failed") == 1);
  printf("ok: one transient failure, one retry, %llu token requests\n",
         (unsigned long long)m2mauth_test_server_requests(server, "token"));
  return 0;
}

int main(void) {
  m2mauth_test_server *server = NULL;
  m2mauth_http *http = NULL;
  if (m2mauth_test_server_new(&server, NULL) != M2MAUTH_OK || m2mauth_http_new(&http, NULL) != M2MAUTH_OK) {
    fprintf(stderr, "error: %s\n", m2mauth_error_last()->message);
    return 1;
  }
  int rc = run(server, http);
  m2mauth_http_free(http);
  m2mauth_test_server_free(server);
  return rc;
}
