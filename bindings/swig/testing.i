/*
 * testing.i: testing.h, the token-endpoint test double. Its two versioned structs are filled by two glue
 * functions taking plain values ("" for a text not set), so neither Java nor Go needs a struct class.
 */
M2MAUTH_HANDLE(m2mauth_test_server, TestServerHandle, m2mauth_test_server_free)

M2MAUTH_STATUS(m2mauth_test_server_start)
M2MAUTH_VALUE(m2mauth_test_server_stop)
M2MAUTH_TEXT(m2mauth_test_server_url)
M2MAUTH_TEXT(m2mauth_test_server_ca_pem)
M2MAUTH_STATUS(m2mauth_test_server_fail_next)
M2MAUTH_STATUS(m2mauth_test_server_stall)
M2MAUTH_VALUE(m2mauth_test_server_requests)
M2MAUTH_VALUE(m2mauth_test_server_revoke_all)

%include "m2mauth/testing.h"

M2MAUTH_NEW(m2mauth_glue_test_server_new, m2mauth_test_server)
M2MAUTH_STATUS(m2mauth_glue_test_server_add_client)
%inline %{
static const char *m2mauth_glue_text_or_null(const char *s) { return (s != NULL && *s != '\0') ? s : NULL; }

/* m2mauth_test_server_new with the options as values; "" texts are NULL. */
m2mauth_status m2mauth_glue_test_server_new(m2mauth_test_server **out, int tls, int request_client_cert,
                                            int64_t token_lifetime_s, int token_format,
                                            const char *extra_claims_json, const char *audience,
                                            int64_t clock_offset_s, const char *dpop_nonce) {
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  o.tls = tls;
  o.request_client_cert = request_client_cert;
  o.token_lifetime_s = token_lifetime_s;
  o.token_format = token_format;
  o.extra_claims_json = m2mauth_glue_text_or_null(extra_claims_json);
  o.audience = m2mauth_glue_text_or_null(audience);
  o.clock_offset_s = clock_offset_s;
  o.dpop_nonce = m2mauth_glue_text_or_null(dpop_nonce);
  return m2mauth_test_server_new(out, &o);
}

/* m2mauth_test_server_add_client with the client as values; "" texts are NULL. */
m2mauth_status m2mauth_glue_test_server_add_client(m2mauth_test_server *server, const char *client_id,
                                                   int auth_method, const char *client_secret,
                                                   const char *public_key, const char *tls_subject,
                                                   const char *tls_thumbprint, const char *scopes) {
  m2mauth_test_client c = M2MAUTH_TEST_CLIENT_INIT;
  c.client_id = client_id;
  c.auth_method = auth_method;
  c.secret = m2mauth_glue_text_or_null(client_secret);
  c.public_key = m2mauth_glue_text_or_null(public_key);
  c.tls_subject = m2mauth_glue_text_or_null(tls_subject);
  c.tls_thumbprint = m2mauth_glue_text_or_null(tls_thumbprint);
  c.scopes = m2mauth_glue_text_or_null(scopes);
  return m2mauth_test_server_add_client(server, &c);
}
%}
