/*
 * allowlist.i: nothing from the headers is wrapped unless it is named here or in an area file.
 *
 * `%rename("$ignore") ""` ignores every declaration SWIG reads; a later, more specific rule
 * (`%rename("%s") name;`) brings one name back. A new C function therefore stays invisible to Java and
 * Go until someone declares, in its area file, what it returns (see bindings/README.md, "Adding a C API
 * area"). Constants named M2MAUTH_* (enum values and numeric or string #defines) come in as a group:
 * they are values, not calls, and the headers never reorder or reuse them.
 *
 * Each declaration macro below does two things: un-ignores the function and selects the typemaps for
 * its return kind. The M2MAUTH_LANG_* macros are defined by java.i and go.i.
 */
%rename("$ignore") "";
%rename("%s", regextarget=1, %$isconstant) "^M2MAUTH_[A-Z0-9_]+$";
%rename("%s", regextarget=1, %$isenum) "^m2mauth_[a-z0-9_]+$";
%rename("%s", regextarget=1, %$isenumitem) "^M2MAUTH_[A-Z0-9_]+$";
/* Destructors of the classes that are wrapped (handles.i): only those classes exist to have one. */
%rename("%s", %$isdestructor) "";

/* Returns m2mauth_status and nothing else: the language sees a void call that throws / returns error. */
%define M2MAUTH_STATUS(fn)
%rename("%s") fn;
M2MAUTH_LANG_STATUS(fn)
%enddef

/* Returns m2mauth_status and fills `m2mauth_buf *out` with UTF-8 text: the language sees a string. */
%define M2MAUTH_TEXT(fn)
%rename("%s") fn;
M2MAUTH_LANG_TEXT(fn)
%enddef

/* Returns m2mauth_status and fills `m2mauth_buf *out` with bytes: the language sees a byte array. */
%define M2MAUTH_BYTES(fn)
%rename("%s") fn;
M2MAUTH_LANG_BYTES(fn)
%enddef

/* Returns m2mauth_status and a new handle in `T **out`, owned by the caller (%newobject). */
%define M2MAUTH_NEW(fn, T)
%rename("%s") fn;
%newobject fn;
M2MAUTH_LANG_NEW(fn, T)
%enddef

/* Returns m2mauth_status and an integer in `int64_t *out`, `uint32_t *out` or `int *out`. */
%define M2MAUTH_NUMBER(fn)
%rename("%s") fn;
M2MAUTH_LANG_NUMBER(fn)
%enddef

/* Cannot fail: returns its value directly (int, unsigned, int64_t, a static or handle-owned string). */
%define M2MAUTH_VALUE(fn)
%rename("%s") fn;
%enddef

/* A (const uint8_t *name, size_t len_name) pair of parameters is one byte array in the language. */
%define M2MAUTH_BYTES_IN(name, len_name)
%apply (const uint8_t *BYTES, size_t BYTES_LEN) { (const uint8_t *name, size_t len_name) };
%enddef

/*
 * Text parameters that may be NULL, named in the area file around its header's %include and cleared
 * after it, so that struct members of the same name elsewhere are not affected.
 */
%define M2MAUTH_OPTIONAL_TEXT(name)
M2MAUTH_LANG_OPTIONAL_TEXT(name)
%enddef
%define M2MAUTH_OPTIONAL_TEXT_END(name)
M2MAUTH_LANG_OPTIONAL_TEXT_END(name)
%enddef

/*
 * Text parameters that carry a secret and are not optional: the native copy is wiped after the call
 * (header values may be "Bearer <token>", an OAuth 1.0 signature or Basic credentials).
 */
%define M2MAUTH_SECRET_TEXT(name)
M2MAUTH_LANG_SECRET_TEXT(name)
%enddef
%define M2MAUTH_SECRET_TEXT_END(name)
%clear const char *name;
%enddef

/*
 * Secrets the caller holds in arrays it can wipe (client secret, consumer and token secrets): they cross
 * as bytes like a passphrase (Java byte[] made from char[], Go []byte, null/nil meaning NULL), and the
 * NUL-terminated native copy is wiped after the call.
 */
%define M2MAUTH_SECRET_BYTES(name)
%apply const char *passphrase { const char *name };
%enddef
%define M2MAUTH_SECRET_BYTES_END(name)
%clear const char *name;
%enddef
