// Package bench holds the Go peer benchmarks of m2mauth (only _test.go files do the work):
//
//	sh bindings/go/bench/peers.sh BUILD_DIR [benchtime] [rounds]
//
// See README.md in this directory.
package bench
