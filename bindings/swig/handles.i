/*
 * handles.i: every opaque handle becomes a class of its own (GDAL/libwebp-style shadow classes) whose
 * destructor is the NULL-safe m2mauth_<type>_free(). The structs are declared here, empty, for SWIG only:
 * the C compiler still sees them as incomplete types from the real headers. Nothing can construct one
 * from the language; handles come only from functions declared with M2MAUTH_NEW, which own the result.
 */
%define M2MAUTH_HANDLE(T, Name, freefn)
%rename(Name) T;
%nodefaultctor T;
struct T {};
%extend T {
  ~T() { freefn($self); }
}
%enddef

M2MAUTH_HANDLE(m2mauth_key, KeyHandle, m2mauth_key_free)
M2MAUTH_HANDLE(m2mauth_cert, CertHandle, m2mauth_cert_free)
M2MAUTH_HANDLE(m2mauth_claims, ClaimsHandle, m2mauth_claims_free)
M2MAUTH_HANDLE(m2mauth_verifier, VerifierHandle, m2mauth_verifier_free)
M2MAUTH_HANDLE(m2mauth_request, RequestHandle, m2mauth_request_free)
M2MAUTH_HANDLE(m2mauth_response, ResponseHandle, m2mauth_response_free)
M2MAUTH_HANDLE(m2mauth_http, HttpHandle, m2mauth_http_free)
M2MAUTH_HANDLE(m2mauth_oauth1, OAuth1Handle, m2mauth_oauth1_free)
M2MAUTH_HANDLE(m2mauth_token_client, TokenClientHandle, m2mauth_token_client_free)
M2MAUTH_HANDLE(m2mauth_token, TokenHandle, m2mauth_token_free)
M2MAUTH_HANDLE(m2mauth_token_manager, TokenManagerHandle, m2mauth_token_manager_free)
M2MAUTH_HANDLE(m2mauth_a2a, A2AHandle, m2mauth_a2a_free)
M2MAUTH_HANDLE(m2mauth_config, ConfigHandle, m2mauth_config_free)
M2MAUTH_HANDLE(m2mauth_cancel, CancelHandle, m2mauth_cancel_free)

/*
 * The versioned JWS header options struct (jws.h) is a value the caller fills: here it becomes a class
 * whose constructor applies m2mauth_jws_header_init() and whose text members are private copies, freed
 * by the destructor, so the struct never points into memory the language may move or collect.
 */
%rename(JwsHeader) m2mauth_jws_header;
%rename("%s") m2mauth_jws_header::alg;
%rename("%s") m2mauth_jws_header::typ;
%rename("%s") m2mauth_jws_header::kid;
%rename("%s") m2mauth_jws_header::cty;
%rename("%s") m2mauth_jws_header::cert;
%rename("%s") m2mauth_jws_header::cert_members;
%rename("%s") m2mauth_jws_header::extra_json;
%immutable m2mauth_jws_header::version;

/* The memberin typemap below copies, so SWIG's "may leak memory" warning does not apply. */
%warnfilter(451) m2mauth_jws_header::typ;
%warnfilter(451) m2mauth_jws_header::kid;
%warnfilter(451) m2mauth_jws_header::cty;
%warnfilter(451) m2mauth_jws_header::extra_json;

%typemap(memberin) const char *typ, const char *kid, const char *cty, const char *extra_json %{
  free((char *)$1);
  $1 = $input ? m2mauth_glue_strdup($input) : NULL;
%}

%extend m2mauth_jws_header {
  m2mauth_jws_header() {
    m2mauth_jws_header *h = (m2mauth_jws_header *)calloc(1, sizeof *h);
    if (h && m2mauth_jws_header_init(h, M2MAUTH_JWS_HEADER_VERSION) != M2MAUTH_OK) {
      free(h);
      h = NULL;
    }
    return h;
  }
  ~m2mauth_jws_header() {
    free((char *)$self->typ);
    free((char *)$self->kid);
    free((char *)$self->cty);
    free((char *)$self->extra_json);
    free($self);
  }
}

/*
 * m2mauth_http_options (http.h) the same way: HttpOptionsStruct, text members copied, numbers as they are.
 * The client-key passphrase is no member here: m2mauth_glue_http_options_set_passphrase (glue.i) takes it
 * as bytes the caller wipes, and the destructor wipes the native copy.
 */
%rename(HttpOptionsStruct) m2mauth_http_options;
%immutable m2mauth_http_options::version;
%rename("%s") m2mauth_http_options::insecure_skip_verify;
%rename("%s") m2mauth_http_options::ca_file;
%rename("%s") m2mauth_http_options::ca_dir;
%rename("%s") m2mauth_http_options::client_cert;
%rename("%s") m2mauth_http_options::client_key;
%rename("%s") m2mauth_http_options::client_cert_type;
%rename("%s") m2mauth_http_options::proxy;
%rename("%s") m2mauth_http_options::connect_timeout_ms;
%rename("%s") m2mauth_http_options::timeout_ms;
%rename("%s") m2mauth_http_options::max_response_bytes;
%rename("%s") m2mauth_http_options::allow_plain_http;
%rename("%s") m2mauth_http_options::user_agent;
%warnfilter(451) m2mauth_http_options::ca_file;
%warnfilter(451) m2mauth_http_options::ca_dir;
%warnfilter(451) m2mauth_http_options::client_cert;
%warnfilter(451) m2mauth_http_options::client_key;
%warnfilter(451) m2mauth_http_options::client_cert_type;
%warnfilter(451) m2mauth_http_options::proxy;
%warnfilter(451) m2mauth_http_options::user_agent;
/* client_cert and client_key may be PEM text of a private key: the old copy is wiped when replaced. */
%typemap(memberin) const char *ca_file, const char *ca_dir, const char *client_cert_type, const char *proxy,
    const char *user_agent %{
  free((char *)$1);
  $1 = $input ? m2mauth_glue_strdup($input) : NULL;
%}
%typemap(memberin) const char *client_cert, const char *client_key %{
  m2mauth_glue_free_secret((char *)$1);
  $1 = $input ? m2mauth_glue_strdup($input) : NULL;
%}
%apply const char *WIPED_TEXT { const char *client_cert, const char *client_key };

%extend m2mauth_http_options {
  m2mauth_http_options() {
    m2mauth_http_options *o = (m2mauth_http_options *)calloc(1, sizeof *o);
    if (o && m2mauth_http_options_init(o, M2MAUTH_HTTP_OPTIONS_VERSION) != M2MAUTH_OK) {
      free(o);
      o = NULL;
    }
    return o;
  }
  ~m2mauth_http_options() {
    free((char *)$self->ca_file);
    free((char *)$self->ca_dir);
    m2mauth_glue_free_secret((char *)$self->client_cert);
    m2mauth_glue_free_secret((char *)$self->client_key);
    m2mauth_glue_free_secret((char *)$self->client_key_passphrase);
    free((char *)$self->client_cert_type);
    free((char *)$self->proxy);
    free((char *)$self->user_agent);
    free($self);
  }
}

/*
 * m2mauth_assertion_options (oauth2.h) like the JWS header: AssertionOptionsStruct, whose constructor
 * applies m2mauth_assertion_options_init() (the real defaults) and whose text members are private
 * copies freed by the destructor. cert is a CertHandle the caller keeps open until the struct is used.
 */
%rename(AssertionOptionsStruct) m2mauth_assertion_options;
%immutable m2mauth_assertion_options::version;
%rename("%s") m2mauth_assertion_options::alg;
%rename("%s") m2mauth_assertion_options::lifetime_s;
%rename("%s") m2mauth_assertion_options::kid_thumbprint;
%rename("%s") m2mauth_assertion_options::cert;
%rename("%s") m2mauth_assertion_options::cert_members;
%rename("%s") m2mauth_assertion_options::clock_skew_s;
/* audience and kid are set through methods taking optional text (oauth2.i), never read back. */
%rename("%s") m2mauth_assertion_options::setAudience;
%rename("%s") m2mauth_assertion_options::setKid;

%extend m2mauth_assertion_options {
  m2mauth_assertion_options() {
    m2mauth_assertion_options *o = (m2mauth_assertion_options *)calloc(1, sizeof *o);
    if (o && m2mauth_assertion_options_init(o, M2MAUTH_ASSERTION_OPTIONS_VERSION) != M2MAUTH_OK) {
      free(o);
      o = NULL;
    }
    return o;
  }
  ~m2mauth_assertion_options() {
    free((char *)$self->audience);
    free((char *)$self->kid);
    free($self);
  }
  /* Each returns M2MAUTH_OK or M2MAUTH_ENOMEM (an int: the languages check it). */
  int setAudience(const char *audience) {
    free((char *)$self->audience);
    $self->audience = audience ? m2mauth_glue_strdup(audience) : NULL;
    return audience && !$self->audience ? M2MAUTH_ENOMEM : M2MAUTH_OK;
  }
  int setKid(const char *kid) {
    free((char *)$self->kid);
    $self->kid = kid ? m2mauth_glue_strdup(kid) : NULL;
    return kid && !$self->kid ? M2MAUTH_ENOMEM : M2MAUTH_OK;
  }
}

/* m2mauth_token_manager_options (oauth2.h): numbers only; the constructor writes the C defaults. */
%rename(TokenManagerOptionsStruct) m2mauth_token_manager_options;
%immutable m2mauth_token_manager_options::version;
%rename("%s") m2mauth_token_manager_options::refresh_fraction;
%rename("%s") m2mauth_token_manager_options::refresh_margin_ms;
%rename("%s") m2mauth_token_manager_options::expiry_skew_ms;
%rename("%s") m2mauth_token_manager_options::jitter_fraction;
%rename("%s") m2mauth_token_manager_options::wait_timeout_ms;
%rename("%s") m2mauth_token_manager_options::backoff_base_ms;
%rename("%s") m2mauth_token_manager_options::backoff_max_ms;
%rename("%s") m2mauth_token_manager_options::permanent_backoff_ms;
%rename("%s") m2mauth_token_manager_options::min_fetch_interval_ms;
%rename("%s") m2mauth_token_manager_options::max_keys;
%rename("%s") m2mauth_token_manager_options::caller_refresh;
%rename("%s") m2mauth_token_manager_options::report_cache_hits;

%extend m2mauth_token_manager_options {
  m2mauth_token_manager_options() {
    m2mauth_token_manager_options *o = (m2mauth_token_manager_options *)calloc(1, sizeof *o);
    if (o && m2mauth_token_manager_options_init(o, M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION) != M2MAUTH_OK) {
      free(o);
      o = NULL;
    }
    return o;
  }
  ~m2mauth_token_manager_options() { free($self); }
}
