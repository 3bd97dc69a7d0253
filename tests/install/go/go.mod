// A Go program built against an installed m2mauth (tests/install/run.sh): cgo finds the library with
// pkg-config only.
module github.com/m2mauth/m2mauth/tests/install/go

go 1.22

require github.com/m2mauth/m2mauth/bindings/go v0.0.0

replace github.com/m2mauth/m2mauth/bindings/go => ../../../bindings/go
