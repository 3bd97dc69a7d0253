/* A C program that uses libm2mauth the way an application does: built with the flags pkg-config gives
   (the build tree's m2mauth-uninstalled.pc, or an installed m2mauth.pc) and run as a CTest test.
   Exit status 0 when every step worked. */
#include <stdio.h>
#include <string.h>

#include <m2mauth/m2mauth.h>

#define EXPECT(cond)                                                                       \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, "consumer: %s failed (%s)\n", #cond, m2mauth_error_last()->message); \
      return 1;                                                                            \
    }                                                                                      \
  } while (0)

static int run(void) {
  m2mauth_key *key = NULL, *pub = NULL;
  m2mauth_verifier *verifier = NULL;
  m2mauth_claims *claims = NULL;
  m2mauth_buf token = M2MAUTH_BUF_INIT, sub = M2MAUTH_BUF_INIT;
  int ok;

  EXPECT(m2mauth_version_number() == M2MAUTH_VERSION_NUMBER);
  EXPECT(strcmp(m2mauth_version_string(), M2MAUTH_VERSION_STRING) == 0);
  EXPECT(m2mauth_key_generate_ec(&key, "P-256") == M2MAUTH_OK);
  EXPECT(m2mauth_key_public(&pub, key) == M2MAUTH_OK);
  EXPECT(m2mauth_jwt_sign_json(&token, key, "{\"sub\":\"consumer\"}", NULL) == M2MAUTH_OK);
  EXPECT(m2mauth_verifier_new(&verifier, pub, M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES256)) == M2MAUTH_OK);
  EXPECT(m2mauth_verifier_verify(&claims, verifier, (const char *)token.ptr) == M2MAUTH_OK);
  EXPECT(m2mauth_claims_get_string(&sub, claims, "sub") == M2MAUTH_OK);
  ok = strcmp((const char *)sub.ptr, "consumer") == 0;
  EXPECT(ok);
  EXPECT(m2mauth_jws_verify(&sub, pub, "e30.e30.", M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES256)) == M2MAUTH_EMALFORMED);
  EXPECT(strcmp(m2mauth_error_name(m2mauth_error_last()->code), "malformed") == 0);

  m2mauth_buf_dispose(&token);
  m2mauth_buf_dispose(&sub);
  m2mauth_claims_free(claims);
  m2mauth_verifier_free(verifier);
  m2mauth_key_free(pub);
  m2mauth_key_free(key);
  return 0;
}

int main(void) {
  int rc = run();
  if (rc == 0) printf("consumer: %s works\n", m2mauth_version_details());
  return rc;
}
