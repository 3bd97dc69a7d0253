// Package m2mauth authenticates services to other services' APIs: keys and JWK, JWS and JWT, the HTTP
// transport, OAuth 2.0 token clients and a caching token manager, and OAuth 1.0 request signing. It is
// the idiomatic Go face of the m2mauth C library (libm2mauth, found with pkg-config), reached through the
// SWIG-generated package internal/raw.
//
// Every operation that can fail returns (T, error); nothing panics. Failures from the library are
// *Error values carrying the C code and its name; test them with errors.Is against the sentinels
// (errors.Is(err, m2mauth.ErrExpired)) or the family ErrInvalidToken. OAuth failures carry the server's
// answer (OAuthError, HTTPStatus) and Transient() / RetryAfter(). Keys, certificates, verifiers,
// transports (HTTP), token clients, token managers and OAuth 1.0 signers hold native memory: Close them
// when done (a finalizer is only a backstop). They are safe for concurrent use; after Close every method
// returns ErrClosed. Secrets never appear in errors or in String().
//
// TokenManager.Client is a net/http client (Transport, a RoundTripper) that attaches the managed token
// and retries once on 401; TokenManager.TokenSource has x/oauth2's TokenSource shape (the oauth2adapter
// module makes it one). Token events are logged through log/slog (ManagerOptions.Logger). SetTracer
// observes every token request and managed request (spans with the caller's ctx, a traceparent on the
// wire) and TelemetryMetrics reads the managers' stats as instruments: the otel module (package
// m2mauthotel) hands both to OpenTelemetry. The package needs cgo and the C library: without cgo its
// build stops with a message saying so.
package m2mauth
