module github.com/m2mauth/m2mauth/examples/go

go 1.22

require github.com/m2mauth/m2mauth/bindings/go v0.0.0-00010101000000-000000000000

// The binding from this checkout; an application outside it requires a released version instead.
replace github.com/m2mauth/m2mauth/bindings/go => ../../bindings/go
