//go:build !cgo

package raw

// Without cgo the generated files (import "C") are left out, and the go command would only say "build
// constraints exclude all Go files". This file is built instead, and its one error says what is missing.
const _ = "m2mauth needs cgo and the C library libm2mauth: build with CGO_ENABLED=1 and a C compiler, with libm2mauth installed where pkg-config finds m2mauth.pc (bindings/README.md, Go)" + 1
