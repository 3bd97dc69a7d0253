/*
 * The private-key JWT onboarding of the BMP Money Plus private-key JWT guide (README, "The two seed APIs"), in C:
 *   1. generate an RSA-2048 key pair (what `openssl genrsa` + `openssl rsa -pubout` did),
 *   2. print the public key to send (PEM) and its RFC 7638 thumbprint,
 *   3. sign an RS256 client assertion (jti, iss = sub = client_id, aud = token endpoint, iat, nbf, exp),
 *   4. verify it as the authorization server would, and print the verified claims.
 *
 * Build: cc client_assertion.c $(pkg-config --cflags --libs m2mauth)
 * Run:   ./a.out [client_id] [token_endpoint]
 */
#include <m2mauth/m2mauth.h>

#include <stdio.h>
#include <time.h>

#define CHECK(call)                                                                         \
  do {                                                                                      \
    if ((call) != M2MAUTH_OK) {                                                             \
      const m2mauth_error *e = m2mauth_error_last();                                        \
      fprintf(stderr, "error: %s: %s (%s)\n", #call, e->message, m2mauth_error_name(e->code)); \
      goto done;                                                                            \
    }                                                                                       \
  } while (0)

int main(int argc, char **argv) {
  const char *client_id = argc > 1 ? argv[1] : "bmp.digital.api.partner";
  const char *token_url = argc > 2 ? argv[2] : "https://auth.moneyp.dev.br/connect/token";
  int rc = 1;
  m2mauth_key *key = NULL, *pub = NULL;
  m2mauth_claims *claims = NULL, *verified = NULL;
  m2mauth_verifier *verifier = NULL;
  m2mauth_buf pem = M2MAUTH_BUF_INIT, thumb = M2MAUTH_BUF_INIT, token = M2MAUTH_BUF_INIT, json = M2MAUTH_BUF_INIT;
  m2mauth_jws_header header = M2MAUTH_JWS_HEADER_INIT;
  int64_t now = (int64_t)time(NULL);

  printf("m2mauth %s\n", m2mauth_version_string());
  CHECK(m2mauth_key_generate_rsa(&key, 2048));
  CHECK(m2mauth_key_public_pem(&pem, key));
  CHECK(m2mauth_key_thumbprint(&thumb, key));
  printf("1. generated an RSA-%u key pair\n2. public key to send (thumbprint %s):\n%s", m2mauth_key_bits(key),
         (const char *)thumb.ptr, (const char *)pem.ptr);

  CHECK(m2mauth_claims_new(&claims));
  CHECK(m2mauth_claims_set_random_jti(claims));
  CHECK(m2mauth_claims_set_string(claims, "iss", client_id));
  CHECK(m2mauth_claims_set_string(claims, "sub", client_id));
  CHECK(m2mauth_claims_set_string(claims, "aud", token_url));
  CHECK(m2mauth_claims_set_int(claims, "iat", now));
  CHECK(m2mauth_claims_set_int(claims, "nbf", now));
  CHECK(m2mauth_claims_set_int(claims, "exp", now + 120));
  header.alg = M2MAUTH_ALG_RS256;
  CHECK(m2mauth_jwt_sign(&token, key, claims, &header));
  printf("3. signed an RS256 client assertion of %zu bytes for %s\n", token.size, client_id);

  CHECK(m2mauth_key_public(&pub, key));
  CHECK(m2mauth_verifier_new(&verifier, pub, M2MAUTH_ALG_BIT(M2MAUTH_ALG_RS256)));
  CHECK(m2mauth_verifier_set_issuer(verifier, client_id));
  CHECK(m2mauth_verifier_set_subject(verifier, client_id));
  CHECK(m2mauth_verifier_add_audience(verifier, token_url));
  CHECK(m2mauth_verifier_require_claim(verifier, "exp"));
  CHECK(m2mauth_verifier_require_claim(verifier, "jti"));
  CHECK(m2mauth_verifier_verify(&verified, verifier, (const char *)token.ptr));
  CHECK(m2mauth_claims_to_json(&json, verified));
  printf("4. verified with the public key only; claims: %s\n", (const char *)json.ptr);
  rc = 0;

done:
  m2mauth_buf_dispose(&pem);
  m2mauth_buf_dispose(&thumb);
  m2mauth_buf_dispose(&token);
  m2mauth_buf_dispose(&json);
  m2mauth_claims_free(claims);
  m2mauth_claims_free(verified);
  m2mauth_verifier_free(verifier);
  m2mauth_key_free(pub);
  m2mauth_key_free(key);
  return rc;
}
