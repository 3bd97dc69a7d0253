/*
 * dpop.i: dpop.h, DPoP proof keys (RFC 9449). DpopHandle is the key; DpopOptionsStruct's constructor
 * writes the C defaults (m2mauth_dpop_options_init). The key is always given (the languages generate
 * their EC P-256 key with m2mauth_key_generate_ec), so no NULL handle crosses.
 */
M2MAUTH_HANDLE(m2mauth_dpop, DpopHandle, m2mauth_dpop_free)

%rename(DpopOptionsStruct) m2mauth_dpop_options;
%immutable m2mauth_dpop_options::version;
%rename("%s") m2mauth_dpop_options::alg;
%extend m2mauth_dpop_options {
  m2mauth_dpop_options() {
    m2mauth_dpop_options *o = (m2mauth_dpop_options *)calloc(1, sizeof *o);
    if (o && m2mauth_dpop_options_init(o, M2MAUTH_DPOP_OPTIONS_VERSION) != M2MAUTH_OK) {
      free(o);
      o = NULL;
    }
    return o;
  }
  ~m2mauth_dpop_options() { free($self); }
}

M2MAUTH_NEW(m2mauth_dpop_new, m2mauth_dpop)
M2MAUTH_TEXT(m2mauth_dpop_thumbprint)
M2MAUTH_TEXT(m2mauth_dpop_public_jwk)
M2MAUTH_TEXT(m2mauth_dpop_proof)
M2MAUTH_NUMBER(m2mauth_dpop_observe)
M2MAUTH_STATUS(m2mauth_token_client_set_dpop)
/* The manager's key, or a NULL handle (null in Java, 0 in Go) without DPoP. */
M2MAUTH_NEW(m2mauth_token_manager_dpop, m2mauth_dpop)

/* NULL allowed: the access token (a token request's proof has no ath) and the nonce (the remembered one). */
M2MAUTH_OPTIONAL_TEXT(access_token)
M2MAUTH_OPTIONAL_TEXT(nonce)
%include "m2mauth/dpop.h"
M2MAUTH_OPTIONAL_TEXT_END(access_token)
M2MAUTH_OPTIONAL_TEXT_END(nonce)
