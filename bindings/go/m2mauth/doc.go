// Package m2mauth authenticates services to other services' APIs: keys and JWK, JWS and JWT today,
// OAuth 2.0, OAuth 1.0 and the senhasegura A2A API as the C library grows. It is the idiomatic Go face of
// the m2mauth C library (libm2mauth, found with pkg-config), reached through the SWIG-generated package
// internal/raw.
//
// Every operation that can fail returns (T, error); nothing panics. Failures from the library are
// *Error values carrying the C code and its name; test them with errors.Is against the sentinels
// (errors.Is(err, m2mauth.ErrExpired)) or the family ErrInvalidToken. Keys, certificates and verifiers
// hold native memory: Close them when done (a finalizer is only a backstop). They are safe for
// concurrent use; after Close every method returns ErrClosed. Secrets never appear in errors or in
// String().
package m2mauth
