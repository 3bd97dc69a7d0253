// The x/oauth2 adapter, a module of its own so that the binding's module does not require x/oauth2.
module github.com/m2mauth/m2mauth/bindings/go/oauth2adapter

go 1.26.0

require (
	github.com/m2mauth/m2mauth/bindings/go v0.0.0
	golang.org/x/oauth2 v0.38.0
)

// The binding from this checkout; outside it, require a released version instead.
replace github.com/m2mauth/m2mauth/bindings/go => ../
