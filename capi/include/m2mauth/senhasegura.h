/*
 * senhasegura.h: the senhasegura WebService A2A API (https://HOST/iso/MODULE/FUNCTION).
 *
 *     m2mauth_a2a *a2a = NULL;
 *     m2mauth_a2a_new(&a2a, "https://vault.example.com", http);
 *     m2mauth_a2a_set_oauth2_client(a2a, client_id, client_secret);
 *     m2mauth_buf cred = M2MAUTH_BUF_INIT;
 *     if (m2mauth_a2a_credential(&cred, a2a, "dbadmin@db01.example.com") == M2MAUTH_OK)
 *         ... cred.ptr is the "credential" object as JSON text, password decrypted if a key is set ...
 *     m2mauth_buf_dispose(&cred);   (wipes it)
 *     m2mauth_a2a_free(a2a);
 *
 * Authentication (m2mauth_a2a_set_auth_method): OAuth 2.0 client credentials (the default and the
 * vendor's advice: the token is cached, refreshed ahead of expiry, and a 401 invalidates it and retries
 * once), OAuth 1.0 HMAC-SHA1 in the Authorization header, or the consumer key and token in the query
 * string. "Certificate validation" (mTLS) is a transport setting: give the m2mauth_http a client
 * certificate; it applies to every request, the token request included.
 *
 * Errors: M2MAUTH_EVENDOR for an error the vendor reports (m2mauth_error_last()->vendor_code holds
 * its code, e.g. 1011, 1023, 1024, 1026, and http_status the HTTP status; 403 when the client
 * certificate's fingerprint is not registered), M2MAUTH_EUNAUTHORIZED for 401, M2MAUTH_EOAUTH when the
 * token endpoint refuses the client, M2MAUTH_EHTTP for an error status without the envelope,
 * M2MAUTH_EPROTOCOL for an answer that is not JSON, and the transport's errors. Messages never contain
 * a secret.
 *
 * Threads (README "Threads"): configure with the setters; the first call freezes the client. A setter
 * after that fails with M2MAUTH_ESTATE and a message naming the handle and the setter ("A2A client:
 * set_tenant after first use"); the client keeps working. Calls may run on many threads at once.
 */
#ifndef M2MAUTH_SENHASEGURA_H
#define M2MAUTH_SENHASEGURA_H

#include "common.h"
#include "http.h"
#include "cert.h"
#include "key.h"
#include "oauth2.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_a2a m2mauth_a2a;

typedef enum m2mauth_a2a_auth {
  M2MAUTH_A2A_OAUTH2 = 1, /* client credentials on /iso/oauth2/token, then a Bearer token (default) */
  M2MAUTH_A2A_OAUTH1 = 2, /* OAuth 1.0 HMAC-SHA1, oauth_version="1.0", in the Authorization header */
  M2MAUTH_A2A_QUERY = 3   /* oauth_consumer_key and oauth_token in the query string (not recommended) */
} m2mauth_a2a_auth;

/** "oauth2", "oauth1", "query"; "" for other values. Static string. */
M2MAUTH_EXTERN const char *m2mauth_a2a_auth_name(int auth);
/** Writes the method with that name to out; M2MAUTH_EINVAL if unknown. */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_auth_from_name(int *out, const char *name);

/**
 * A client of the A2A API at base_url ("https://HOST", a trailing "/iso" accepted), sending through
 * http (shared, kept alive by the client). Plain http:// only to loopback (the transport enforces it).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_new(m2mauth_a2a **out, const char *base_url, m2mauth_http *http);
/** Releases the client, stops its token refresh and wipes its secrets. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_a2a_free(m2mauth_a2a *a2a);

/* ---- configuration (before the first call; M2MAUTH_ESTATE after it) ----------------------------- */

/** An m2mauth_a2a_auth (default M2MAUTH_A2A_OAUTH2). */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_auth_method(m2mauth_a2a *a2a, int auth);
/** OAuth 2.0: the authorization's client id and secret (copied; wiped on free). */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_oauth2_client(m2mauth_a2a *a2a, const char *client_id,
                                                            const char *client_secret);
/**
 * OAuth 2.0 client authentication: M2MAUTH_AUTH_CLIENT_SECRET_BASIC (default; RFC 6749 2.3.1) or
 * M2MAUTH_AUTH_CLIENT_SECRET_POST (client_id and client_secret in the body, as newer versions document).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_client_auth(m2mauth_a2a *a2a, int auth);
/** OAuth 2.0: the "tenant" parameter of the token request (multi-tenant instances); NULL or "" for none. */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_tenant(m2mauth_a2a *a2a, const char *tenant);
/** OAuth 2.0: the token endpoint, when not <base_url>/iso/oauth2/token. */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_token_url(m2mauth_a2a *a2a, const char *token_url);
/** OAuth 2.0: caching and refresh of the token (see oauth2.h); NULL restores the defaults. */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_manager_options(m2mauth_a2a *a2a,
                                                              const m2mauth_token_manager_options *opts);
#define M2MAUTH_A2A_OAUTH1_CREDENTIALS_VERSION 1

/**
 * OAuth 1.0 and the query method: the authorization's credentials. Initialise with
 * M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT or m2mauth_a2a_oauth1_credentials_init() (all NULL).
 */
typedef struct m2mauth_a2a_oauth1_credentials {
  unsigned int version;         /* M2MAUTH_A2A_OAUTH1_CREDENTIALS_VERSION */
  const char *consumer_key;     /* required, not empty */
  const char *consumer_secret;  /* NULL: none (the query method sends no secret) */
  const char *token;            /* required, not empty (the query method's whole credential) */
  const char *token_secret;     /* NULL: none */
} m2mauth_a2a_oauth1_credentials;

#define M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT {M2MAUTH_A2A_OAUTH1_CREDENTIALS_VERSION, NULL, NULL, NULL, NULL}

/** Writes the defaults of version (M2MAUTH_A2A_OAUTH1_CREDENTIALS_VERSION) into cred. */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_oauth1_credentials_init(m2mauth_a2a_oauth1_credentials *cred,
                                                                   unsigned int version);
/**
 * OAuth 1.0 and the query method: the consumer key and secret, token and token secret (copied; wiped
 * on free). M2MAUTH_EINVAL for an unknown version or an empty consumer_key or token.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_oauth1_credentials(m2mauth_a2a *a2a,
                                                                 const m2mauth_a2a_oauth1_credentials *cred);
/**
 * The authorization's RSA private key (the PKCS#8 file it offers for download) when "encryption of
 * sensitive information" is on: the typed calls then decrypt password, content, private_key,
 * passphrase and DSM secret values. The client keeps its own reference. NULL removes it.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_decryption_key(m2mauth_a2a *a2a, const m2mauth_key *key);
/**
 * The clock for OAuth 1.0 timestamps and token expiry; NULL restores the system clock. free_payload
 * (may be NULL): see m2mauth_free_cb.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_set_clock(m2mauth_a2a *a2a, m2mauth_clock_cb clock, void *payload,
                                                    m2mauth_free_cb free_payload);

/* ---- calls: JSON text in out (wiped when disposed) ---------------------------------------------- */

/** GET /iso/pam/credential/{id or username@hostname}: the "credential" object. */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_credential(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id);
/** GET /iso/pam/info/{id}: the "info" object (protected information). */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_info(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id);
/** GET /iso/pam/key/{id}: the "key" object (SSH key). */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_ssh_key(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id);
/** GET /iso/dapp/application: the "application" object (DSM secrets of the authorization's application). */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_dsm_application(m2mauth_buf *out, m2mauth_a2a *a2a);

/*
 * The same calls bounded and cancellable by opts (NULL = none), like m2mauth_http_send_with: timeout_ms
 * and deadline_ms (on the A2A client's clock) bound the whole call, the OAuth 2.0 token wait included;
 * a cancel stops the transfer in progress at once (M2MAUTH_ECANCELLED).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_credential_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id,
                                                          const m2mauth_call_options *opts);
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_info_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id,
                                                    const m2mauth_call_options *opts);
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_ssh_key_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id,
                                                       const m2mauth_call_options *opts);
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_dsm_application_with(m2mauth_buf *out, m2mauth_a2a *a2a,
                                                               const m2mauth_call_options *opts);

/** Flags of m2mauth_a2a_call(). */
typedef enum m2mauth_a2a_call_flag {
  M2MAUTH_A2A_NO_DECRYPT = 1 /* return protected values as the server sent them */
} m2mauth_a2a_call_flag;

/**
 * Any function: method "GET", "POST", "PUT" or "DELETE"; path "module/function[/argument]" (not
 * percent-encoded: m2mauth encodes each segment); params_json a JSON object of string, number or
 * boolean members, or NULL: the query string for GET and DELETE, a form body for POST and PUT.
 * Returns the whole response document; with a decryption key (and without M2MAUTH_A2A_NO_DECRYPT)
 * the protected fields of its "credential", "info", "key" and "application" members are decrypted.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_call(m2mauth_buf *out, m2mauth_a2a *a2a, const char *method,
                                               const char *path, const char *params_json, unsigned int flags);
/** The same bounded and cancellable by opts (NULL = none), as the _with calls above. */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_call_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *method,
                                                    const char *path, const char *params_json, unsigned int flags,
                                                    const m2mauth_call_options *opts);

/* ---- helpers ------------------------------------------------------------------------------------ */

/**
 * One protected value: base64 RSA-OAEP (SHA-1, MGF1-SHA-1) ciphertext, decrypted with key (a private RSA
 * key) key_size/8 bytes at a time. Values longer than one OAEP block (214 bytes for RSA-2048, e.g. an
 * SSH private key) are taken to be cut into blocks encrypted one by one and concatenated before base64:
 * an inference (the vendor documents single-block values only) matching tests/servers/a2a_emulator.py.
 * M2MAUTH_EPROTOCOL for input that is not such ciphertext or not UTF-8 once decrypted.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_decrypt(m2mauth_buf *out, const m2mauth_key *key, const char *value);
/**
 * The fingerprints of cert as an administrator registers them for certificate validation, as JSON:
 * {"sha256":"ab12...","sha256_colon":"AB:12:...","sha1":"...","sha1_colon":"..."}.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_cert_fingerprints(m2mauth_buf *out, const m2mauth_cert *cert);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_SENHASEGURA_H */
