// Peer benchmarks for the Go binding (not part of the library module, so it gains no dependency):
// m2mauth against golang-jwt, go-jose and golang.org/x/oauth2. See README.md here.
module github.com/m2mauth/m2mauth/bindings/go/bench

go 1.26.0

require (
	github.com/go-jose/go-jose/v4 v4.1.9
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/m2mauth/m2mauth/bindings/go v0.0.0
	golang.org/x/oauth2 v0.38.0
)

replace github.com/m2mauth/m2mauth/bindings/go => ../
