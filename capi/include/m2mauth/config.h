/*
 * config.h: one configuration format for every language (the C API reads it for the bindings too).
 *
 * A JSON file and/or environment variables M2MAUTH_<SECTION>_<KEY> (upper-case; the environment
 * overrides the file key by key), sections "http", "oauth2" and "senhasegura":
 *
 *     {
 *       "http":   {"ca_file": "/etc/ssl/corp-ca.pem", "timeout_ms": 10000},
 *       "oauth2": {"profile": "bmp", "token_url": "https://auth.moneyp.com.br/connect/token",
 *                  "client_id": "bmp.digital.api.example", "private_key_file": "/run/secrets/bmp.pem",
 *                  "scope": "api.read"},
 *       "senhasegura": {"base_url": "https://vault.example.com", "client_id": "...",
 *                       "client_secret_file": "/run/secrets/a2a-secret"}
 *     }
 *
 * A secret X (client_secret, private_key, passphrases, consumer_secret, token, token_secret,
 * decryption_key) is given as X, as X_file (a file: its content, trailing newlines stripped; for keys a
 * PEM or DER key file) or as X_env (the name of an environment variable), never on a command line.
 * Unknown sections and keys, wrong types and values out of range are refused (M2MAUTH_ECONFIG, the key
 * named in the message): types are strict, numbers decimal, ranges those of the options structs, and
 * a string holding \u0000 is refused. A file named by the configuration must be a regular file (or a
 * symlink to one) of at most 1 MiB: a FIFO, directory, device or socket is refused at once. The profile "bmp" presets private_key_jwt, RS256, the assertion audience =
 * token_url and the "IdempotencyKey" header, and refuses a scope over 300 characters.
 *
 * A configuration is immutable and may be used from many threads. Its secrets are wiped when freed.
 */
#ifndef M2MAUTH_CONFIG_H
#define M2MAUTH_CONFIG_H

#include "common.h"
#include "http.h"
#include "oauth2.h"
#include "senhasegura.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_config m2mauth_config;

/**
 * Loads the JSON file at path (NULL: the file named by $M2MAUTH_CONFIG, or none if it is unset) and,
 * when use_env is 1, applies the M2MAUTH_<SECTION>_<KEY> variables over it. Reads every secret file and
 * variable and parses the keys now. M2MAUTH_EIO for an unreadable file, M2MAUTH_ECONFIG for content
 * that is not valid, M2MAUTH_EKEY / M2MAUTH_EPASSPHRASE for a key that does not load.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_config_load(m2mauth_config **out, const char *path, int use_env);
/** The same from JSON text instead of a file. */
M2MAUTH_EXTERN m2mauth_status m2mauth_config_from_json(m2mauth_config **out, const char *json, int use_env);
/** Releases a configuration and wipes its secrets. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_config_free(m2mauth_config *config);

/**
 * The effective configuration as JSON with every secret "<redacted>" (X_file / X_env say where it came
 * from) and "_sources" (the file read, the environment variables used): safe to log.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_config_describe(m2mauth_buf *out, const m2mauth_config *config);
/**
 * A non-secret value by "section.key" as text (numbers in decimal, booleans "true"/"false", lists and
 * objects as JSON; for X_file / X_env, the file or variable name). M2MAUTH_ENOTFOUND if not set,
 * M2MAUTH_EINVAL for an unknown name or a secret.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_config_get(m2mauth_buf *out, const m2mauth_config *config, const char *name);
/** 1 if "section" has any key set or "section.key" is set, 0 if not or for an unknown name. */
M2MAUTH_EXTERN int m2mauth_config_has(const m2mauth_config *config, const char *name);

/* ---- builders ----------------------------------------------------------------------------------- */

/** A transport from the "http" section (the defaults when there is none). */
M2MAUTH_EXTERN m2mauth_status m2mauth_http_new_from_config(m2mauth_http **out, const m2mauth_config *config);
/**
 * A token client from the "oauth2" section, sending through http (NULL: a new transport from the
 * "http" section). With "issuer" the token endpoint is discovered now. The client may still be
 * configured with the m2mauth_token_client_set_* functions before its first use.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_new_from_config(m2mauth_token_client **out,
                                                                   const m2mauth_config *config, m2mauth_http *http);
/** A token manager (and its client) from the "oauth2" section, its tuning and idempotency header included. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_new_from_config(m2mauth_token_manager **out,
                                                                    const m2mauth_config *config, m2mauth_http *http);
/** An A2A client from the "senhasegura" section (http NULL: a new transport from the "http" section). */
M2MAUTH_EXTERN m2mauth_status m2mauth_a2a_new_from_config(m2mauth_a2a **out, const m2mauth_config *config,
                                                          m2mauth_http *http);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_CONFIG_H */
