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
