#!/bin/sh
# Go peers: m2mauth against golang-jwt/jwt/v5, go-jose/v4 and golang.org/x/oauth2, with go test -bench
# (not a test; the first run downloads the peers through the Go module proxy).
#   sh bindings/go/bench/peers.sh BUILD_DIR [benchtime] [rounds]      (defaults: 100ms, 5)
# Builds the test binary once, runs every benchmark once per round (rounds interleave the contenders),
# then ratios.py prints the median ns/op of each and the ratio peer / m2mauth (above 1: m2mauth faster).
set -eu
build=$(cd "$1" && pwd)
benchtime=${2:-100ms}
rounds=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export PKG_CONFIG_PATH="$build/pkgconfig" CGO_ENABLED=1 GOFLAGS=-buildvcs=false
cd "$here"
go test -c -o "$out/bench.test" .
"$out/bench.test" -test.run 'TestInterop|TestTokenRead' >/dev/null
i=1
while [ "$i" -le "$rounds" ]; do
  "$out/bench.test" -test.run '^$' -test.bench . -test.benchtime "$benchtime" -test.benchmem >>"$out/bench.txt"
  i=$((i + 1))
done
load=$(cut -d' ' -f1 /proc/loadavg)
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, load average $load; $(go version | cut -d' ' -f3)"
python3 "$here/ratios.py" "$out/bench.txt"
