//go:build !cgo

package cbench

// The C baseline is C: without cgo this error names what is missing (internal/raw/nocgo.go).
const _ = "m2mauth needs cgo and the C library libm2mauth: build with CGO_ENABLED=1 and a C compiler, with libm2mauth installed where pkg-config finds m2mauth.pc (bindings/README.md, Go)" + 1
