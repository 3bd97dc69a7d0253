/* Compiled at test time as C99 and as C++17 with -Wall -Wextra -pedantic -Werror (see CMakeLists.txt):
   the umbrella header must be valid, warning-free C and C++ on its own, and safe to include twice. */
#include <m2mauth/m2mauth.h>
#include <m2mauth/m2mauth.h>

static int uses_the_api(void) {
  m2mauth_buf buf = M2MAUTH_BUF_INIT;
  m2mauth_jws_header header = M2MAUTH_JWS_HEADER_INIT;
  m2mauth_key *key = NULL;
  m2mauth_status rc = M2MAUTH_OK;
  m2mauth_clock_cb clock = NULL;
  const m2mauth_error *err = NULL;
  unsigned int bits = M2MAUTH_ALG_BIT(M2MAUTH_ALG_RS256) | M2MAUTH_ALG_BIT(M2MAUTH_ALG_EDDSA);
  (void)buf;
  (void)header;
  (void)key;
  (void)clock;
  (void)err;
  return rc + (int)(bits == 0u) + (M2MAUTH_VERSION_NUMBER > 0 ? 0 : 1) + (M2MAUTH_HEADER_X5C != 4u);
}

int main(void) { return uses_the_api(); }
