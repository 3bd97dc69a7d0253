/*
 * errors.h: status codes and the thread-local error record.
 *
 * Values are explicit and never reordered or reused. Every code belongs to one m2mauth_category;
 * bindings derive their exception family from the category (one table per language) and name the
 * exception by m2mauth_error_name(). Messages never contain secrets (keys, client secrets, tokens,
 * passphrases).
 */
#ifndef M2MAUTH_ERRORS_H
#define M2MAUTH_ERRORS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum m2mauth_error_code {
  M2MAUTH_OK = 0,

  /* general */
  M2MAUTH_ERROR = -1,            /* unclassified failure */
  M2MAUTH_EINVAL = -2,           /* invalid argument (NULL, out of range, bad option) */
  M2MAUTH_ENOMEM = -3,           /* out of memory */
  M2MAUTH_EUNSUPPORTED = -4,     /* algorithm, curve, key size or feature not supported */
  M2MAUTH_ETOOLARGE = -5,        /* input or response over its configured size limit (a token over the
                                    verifier's limit is a refused token: EMALFORMED) */
  M2MAUTH_ENOTFOUND = -6,        /* no such item (kid in a JWKS, claim, file) */
  M2MAUTH_ESTATE = -7,           /* object not in a state that allows the call */
  M2MAUTH_EIO = -8,              /* reading or writing a file failed */
  M2MAUTH_ECONFIG = -9,          /* configuration invalid or incomplete */

  /* keys and certificates */
  M2MAUTH_EKEY = -10,            /* key or certificate could not be parsed or is invalid */
  M2MAUTH_EKEYTYPE = -11,        /* key type does not fit the algorithm or the operation */
  M2MAUTH_EPASSPHRASE = -12,     /* encrypted key: passphrase missing or wrong */
  M2MAUTH_ENOPRIVATE = -13,      /* operation needs a private key, the handle holds a public one */
  M2MAUTH_ESIGNER = -14,         /* a signer key's callback (KMS, HSM) failed or answered no valid signature */

  /* JOSE */
  M2MAUTH_EMALFORMED = -20,      /* token, base64url or JSON malformed */
  M2MAUTH_ESIGNATURE = -21,      /* signature does not verify */
  M2MAUTH_EALGORITHM = -22,      /* alg not in the allow-list, "none", or unknown */
  M2MAUTH_EEXPIRED = -23,        /* exp is in the past (beyond leeway) */
  M2MAUTH_ENOTYETVALID = -24,    /* nbf is in the future (beyond leeway) */
  M2MAUTH_EIAT = -25,            /* iat is in the future (beyond leeway) */
  M2MAUTH_ECLAIM = -26,          /* iss, sub, aud or another claim has a wrong value or type */
  M2MAUTH_EMISSINGCLAIM = -27,   /* a required claim is absent */

  /* network, HTTP and OAuth */
  M2MAUTH_ENETWORK = -40,        /* connection failed or was reset (transient) */
  M2MAUTH_ETIMEOUT = -41,        /* a timeout or deadline expired (transient) */
  M2MAUTH_ETLS = -42,            /* TLS handshake or certificate verification failed */
  M2MAUTH_EINSECURE = -43,       /* plain http:// to a host that is not loopback */
  M2MAUTH_EHTTP = -44,           /* unexpected HTTP status without an OAuth error body */
  M2MAUTH_EOAUTH = -45,          /* the server answered with an RFC 6749 section 5.2 error */
  M2MAUTH_EPROTOCOL = -46,       /* response not as the protocol requires (not JSON, no token, ...) */
  M2MAUTH_EVENDOR = -47,         /* a vendor API reported an error in its response envelope */
  M2MAUTH_EUNAUTHORIZED = -48,   /* the API rejected the credentials (401) after one retry */
  M2MAUTH_ECANCELLED = -49,      /* the operation was cancelled (callback asked to stop) */
  M2MAUTH_EBACKOFF = -50         /* a previous failure is still backing off; retry after the given time */
} m2mauth_error_code;

/**
 * What kind of failure a code is. Values are explicit and never reordered or reused; a code added later
 * joins an existing category or a new one with the next value. Codes a library does not know are
 * M2MAUTH_CATEGORY_INTERNAL. m2mauth_error_category(code) gives a code's category.
 */
typedef enum m2mauth_category {
  M2MAUTH_CATEGORY_NONE = 0,                /* M2MAUTH_OK */
  M2MAUTH_CATEGORY_INTERNAL = 1,            /* ERROR, ENOMEM: a failure of the library or the system */
  M2MAUTH_CATEGORY_INPUT = 2,               /* EINVAL, ETOOLARGE: the caller's arguments */
  M2MAUTH_CATEGORY_UNSUPPORTED = 3,         /* EUNSUPPORTED */
  M2MAUTH_CATEGORY_NOT_FOUND = 4,           /* ENOTFOUND */
  M2MAUTH_CATEGORY_STATE = 5,               /* ESTATE: the object does not allow the call now */
  M2MAUTH_CATEGORY_IO = 6,                  /* EIO: files */
  M2MAUTH_CATEGORY_CONFIG = 7,              /* ECONFIG */
  M2MAUTH_CATEGORY_KEY = 8,                 /* EKEY, EKEYTYPE, EPASSPHRASE, ENOPRIVATE, ESIGNER */
  M2MAUTH_CATEGORY_VERIFICATION = 9,        /* EMALFORMED ... EMISSINGCLAIM: a token was refused */
  M2MAUTH_CATEGORY_NETWORK = 10,            /* ENETWORK */
  M2MAUTH_CATEGORY_TIMEOUT = 11,            /* ETIMEOUT */
  M2MAUTH_CATEGORY_TLS = 12,                /* ETLS */
  M2MAUTH_CATEGORY_INSECURE_TRANSPORT = 13, /* EINSECURE */
  M2MAUTH_CATEGORY_HTTP = 14,               /* EHTTP: an unexpected HTTP status */
  M2MAUTH_CATEGORY_PROTOCOL = 15,           /* EPROTOCOL: a response not as the protocol requires */
  M2MAUTH_CATEGORY_OAUTH_REFUSAL = 16,      /* EOAUTH: an RFC 6749 section 5.2 error response */
  M2MAUTH_CATEGORY_VENDOR = 17,             /* EVENDOR */
  M2MAUTH_CATEGORY_UNAUTHORIZED = 18,       /* EUNAUTHORIZED: credentials rejected (401) */
  M2MAUTH_CATEGORY_CANCELLED = 19,          /* ECANCELLED */
  M2MAUTH_CATEGORY_BACKOFF = 20             /* EBACKOFF */
} m2mauth_category;

/**
 * The details of the last failure on the calling thread. Owned by the library; valid until the next
 * m2mauth call on the same thread. Fields that do not apply are 0 or "" (never NULL).
 */
typedef struct m2mauth_error {
  int code;                       /* m2mauth_error_code */
  const char *message;            /* human-readable, no secrets */
  int transient;                  /* 1 if retrying later may succeed: see m2mauth_error_is_transient() */
  int http_status;                /* HTTP status of the response that failed, 0 if none */
  const char *oauth_error;        /* RFC 6749 5.2 "error", e.g. "invalid_client" */
  const char *oauth_error_description;
  const char *oauth_error_uri;
  int64_t vendor_code;            /* e.g. senhasegura exception.code (1011, 1023, ...), 0 if none */
  int64_t retry_after_ms;         /* from Retry-After or the backoff schedule, 0 if none */
} m2mauth_error;

/** The last error recorded on this thread. Never NULL: code is M2MAUTH_OK if nothing failed. */
M2MAUTH_EXTERN const m2mauth_error *m2mauth_error_last(void);
/** Clears this thread's error record. */
M2MAUTH_EXTERN void m2mauth_error_clear(void);
/** A static name for a code, e.g. "M2MAUTH_ESIGNATURE" -> "signature"; "unknown" for other values. */
M2MAUTH_EXTERN const char *m2mauth_error_name(int code);
/** 1 if errors with this code are transient by nature (network, timeout, backoff), else 0. */
M2MAUTH_EXTERN int m2mauth_error_code_is_transient(int code);
/**
 * The one transient rule: 1 if retrying the failed call later may succeed, because the failure says so
 * (an HTTP 5xx or 429 answer, a Retry-After) or its code is transient by nature
 * (m2mauth_error_code_is_transient). 0 for NULL.
 */
M2MAUTH_EXTERN int m2mauth_error_is_transient(const m2mauth_error *error);
/** The m2mauth_category of a code; M2MAUTH_CATEGORY_INTERNAL for codes this library does not know. */
M2MAUTH_EXTERN int m2mauth_error_category(int code);
/** A static name for a category, e.g. "verification"; "unknown" for other values. */
M2MAUTH_EXTERN const char *m2mauth_error_category_name(int category);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_ERRORS_H */
