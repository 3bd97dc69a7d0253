#!/bin/sh
# Regenerates raw.go and raw_wrap.c from bindings/swig/m2mauth.i and the C headers (SWIG 4.1).
# Run from this directory (go generate does): sh generate.sh [output-dir]
set -eu
out=${1:-.}
swig -go -cgo -intgosize 64 -package raw \
  -I../../../../capi/include -I../../../swig \
  -outdir "$out" -o "$out/raw_wrap.c" ../../../swig/m2mauth.i
mv "$out/M2mauthNative.go" "$out/raw.go"
gofmt -w "$out/raw.go"
