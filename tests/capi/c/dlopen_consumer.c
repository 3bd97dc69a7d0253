/* Loads libm2mauth.so.<SOVERSION> with dlopen() only (no link-time dependency, as FFI bindings do), resolves the
   functions it uses with dlsym() and runs them. Takes the types and constants from the header. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <m2mauth/m2mauth.h>

/* The SONAME as README "ABI policy" derives it from the version: libm2mauth.so.0.<minor> while 0.x,
   libm2mauth.so.<major> from 1.0 on. */
#define M2MAUTH_TEST_STR2(x) #x
#define M2MAUTH_TEST_STR(x) M2MAUTH_TEST_STR2(x)
#if M2MAUTH_VERSION_MAJOR == 0
#define M2MAUTH_TEST_SONAME "libm2mauth.so.0." M2MAUTH_TEST_STR(M2MAUTH_VERSION_MINOR)
#else
#define M2MAUTH_TEST_SONAME "libm2mauth.so." M2MAUTH_TEST_STR(M2MAUTH_VERSION_MAJOR)
#endif

#define RESOLVE(lib, name)                                                     \
  __typeof__(&name) p_##name = (__typeof__(&name))dlsym(lib, #name);           \
  if (p_##name == NULL) {                                                      \
    fprintf(stderr, "dlopen_consumer: %s not found: %s\n", #name, dlerror()); \
    return 1;                                                                  \
  }

#define EXPECT(cond)                                           \
  do {                                                         \
    if (!(cond)) {                                             \
      fprintf(stderr, "dlopen_consumer: %s failed\n", #cond);  \
      return 1;                                                \
    }                                                          \
  } while (0)

static int run(void *lib) {
  RESOLVE(lib, m2mauth_version_number);
  RESOLVE(lib, m2mauth_key_generate_ed25519);
  RESOLVE(lib, m2mauth_key_free);
  RESOLVE(lib, m2mauth_jws_sign);
  RESOLVE(lib, m2mauth_jws_verify);
  RESOLVE(lib, m2mauth_buf_dispose);
  RESOLVE(lib, m2mauth_error_last);
  RESOLVE(lib, m2mauth_error_name);

  m2mauth_key *key = NULL;
  m2mauth_buf token = M2MAUTH_BUF_INIT, payload = M2MAUTH_BUF_INIT;
  /* The library loaded is the one the header describes (what each binding checks at load). */
  EXPECT(p_m2mauth_version_number() == M2MAUTH_VERSION_NUMBER);
  EXPECT(p_m2mauth_key_generate_ed25519(&key) == M2MAUTH_OK);
  EXPECT(p_m2mauth_jws_sign(&token, key, (const uint8_t *)"dlopen", 6, NULL) == M2MAUTH_OK);
  EXPECT(p_m2mauth_jws_verify(&payload, key, (const char *)token.ptr, M2MAUTH_ALG_BIT(M2MAUTH_ALG_EDDSA)) == M2MAUTH_OK);
  EXPECT(payload.size == 6 && memcmp(payload.ptr, "dlopen", 6) == 0);
  EXPECT(p_m2mauth_jws_verify(&payload, key, (const char *)token.ptr, M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES256)) == M2MAUTH_EALGORITHM);
  EXPECT(strcmp(p_m2mauth_error_name(p_m2mauth_error_last()->code), "algorithm") == 0);
  EXPECT(payload.ptr == NULL);
  p_m2mauth_buf_dispose(&token);
  p_m2mauth_key_free(key);
  return 0;
}

int main(void) {
  void *lib = dlopen(M2MAUTH_TEST_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "dlopen_consumer: %s\n", dlerror());
    return 1;
  }
  /* Loaded with RTLD_LOCAL and not linked: m2mauth is reachable only through the handle. */
  if (dlsym(RTLD_DEFAULT, "m2mauth_jws_sign") != NULL) {
    fprintf(stderr, "dlopen_consumer: m2mauth was linked, not loaded\n");
    return 1;
  }
  int rc = run(lib);
  dlclose(lib);
  if (rc == 0) printf("dlopen_consumer: %s loaded and used through dlsym\n", M2MAUTH_TEST_SONAME);
  return rc;
}
