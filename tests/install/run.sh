#!/bin/sh
# install.* (CTest label install): a C program and a Go program built against an installed m2mauth
# through pkg-config only, run with an empty environment (env -i: no LD_LIBRARY_PATH, no PKG_CONFIG_*).
#   1. `cmake --install --prefix <work>/prefix` (components runtime and dev: the library, its headers,
#      m2mauth.pc, the CMake package, libm2mauth.a when built with -DM2MAUTH_BUILD_STATIC=ON);
#   2. pkg-config sees only that prefix (PKG_CONFIG_LIBDIR): m2mauth.pc must resolve without the
#      .pc files of OpenSSL, libcurl or cJSON (no Requires.private) and --cflags names no include
#      directory but the prefix's;
#   3. C: examples/c's Makefile (which records a non-system libdir as RPATH) builds client_assertion;
#   4. Go: tests/install/go built with `go build -ldflags "-r <libdir>"`, the README's command;
#   5. static: with libm2mauth.a, client_assertion linked against it by `pkg-config --static` (the
#      README's command), with no libm2mauth.so needed at run time.
# Each program must run under `env -i` and load libm2mauth from the prefix (the dynamic loader's
# --list, and the Go program's /proc/self/maps), not from another copy the machine may have.
# Usage: run.sh <source dir> <build dir> <work dir> [go tool]
set -eu
src=$1 build=$2 work=$3 go=${4:-}
start=$(date +%s.%N)
step() { awk -v s="$start" -v n="$(date +%s.%N)" -v what="$1" 'BEGIN { printf "== %s (%.2f s)\n", what, n - s }'; }
fail() { echo "FAIL: $*"; exit 1; }

# A fixed work directory (recreated): the Go build cache then reuses the cgo objects of earlier runs.
rm -rf "$work"
mkdir -p "$work"
prefix=$(cd "$work" && pwd -P)/prefix
for component in runtime dev; do
  cmake --install "$build" --prefix "$prefix" --component "$component" >>"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; exit 1; }
done
step "installed into $prefix"

pc=$(find "$prefix" -name m2mauth.pc | head -n 1)
[ -n "$pc" ] || fail "no m2mauth.pc installed"
PKG_CONFIG_LIBDIR=$(dirname "$pc")
PKG_CONFIG_PATH=
export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH
flags=$(pkg-config --cflags --libs m2mauth) || fail "pkg-config m2mauth needs more than the prefix"
echo "pkg-config --cflags --libs m2mauth: $flags"
[ -z "$(pkg-config --print-requires-private m2mauth)" ] || fail "m2mauth.pc has Requires.private"
for flag in $(pkg-config --cflags m2mauth); do
  case "$flag" in
    "-I$prefix"/*) ;;
    *) fail "--cflags names $flag" ;;
  esac
done
libdir=$(cd "$(pkg-config --variable=libdir m2mauth)" && pwd -P)
[ "$libdir" = "$(dirname "$(find "$prefix" -name 'libm2mauth.so.*.*.*' | head -n 1)")" ] ||
  fail "m2mauth.pc names libdir $libdir"
step "pkg-config"

# The dynamic loader's answer for a program: where libm2mauth comes from ("" if not needed).
loaded_from() {
  interp=$(readelf -l "$1" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
  env -i "$interp" --list "$1" | sed -n 's/.*libm2mauth[^ ]* => \([^ ]*\).*/\1/p'
}
check_loaded() { # program what
  where=$(loaded_from "$1")
  [ -z "$where" ] || where=$(realpath "$where")
  case "$where" in
    "$libdir"/*) echo "$2: libm2mauth from $where" ;;
    *) fail "$2 loads libm2mauth from '$where', not from $libdir" ;;
  esac
}

cp -r "$src/examples/c" "$work/c"
make -s -C "$work/c" client_assertion >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
readelf -d "$work/c/client_assertion" | grep -E 'RPATH|RUNPATH' || fail "client_assertion has no RPATH"
env -i "$work/c/client_assertion" >"$work/c.out" 2>&1 || { cat "$work/c.out"; fail "env -i client_assertion"; }
grep -q '^4. verified' "$work/c.out" || { cat "$work/c.out"; fail "client_assertion did not verify"; }
check_loaded "$work/c/client_assertion" "C"
step "C program (make -C examples/c)"

# The installed m2mauth-testserver runs from the prefix as it is (its run path is relative to bin/).
if [ -x "$prefix/bin/m2mauth-testserver" ]; then
  env -i "$prefix/bin/m2mauth-testserver" --help >"$work/testserver.out" 2>&1 ||
    { cat "$work/testserver.out"; fail "env -i m2mauth-testserver --help"; }
  check_loaded "$prefix/bin/m2mauth-testserver" "m2mauth-testserver"
  step "installed m2mauth-testserver"
fi

if [ -n "$go" ]; then
  (cd "$src/tests/install/go" &&
    CGO_ENABLED=1 "$go" build -ldflags "-r $(pkg-config --variable=libdir m2mauth)" -o "$work/installcheck" .) ||
    fail "go build"
  env -i "$work/installcheck" >"$work/go.out" 2>&1 || { cat "$work/go.out"; fail "env -i installcheck"; }
  cat "$work/go.out"
  grep -q 'signed and verified' "$work/go.out" || fail "the Go program did not verify"
  grep -q "^loaded: $libdir/libm2mauth.so" "$work/go.out" || fail "the Go program loaded another libm2mauth"
  check_loaded "$work/installcheck" "Go"
  step "Go program (go build -ldflags -r)"
fi

if [ -f "$libdir/libm2mauth.a" ]; then
  # shellcheck disable=SC2046
  cc -O2 -o "$work/client_assertion_static" "$src/examples/c/client_assertion.c" \
    $(pkg-config --static --cflags --libs m2mauth | sed 's/-lm2mauth /-l:libm2mauth.a /') || fail "static link"
  if readelf -d "$work/client_assertion_static" | grep -q 'NEEDED.*libm2mauth'; then
    fail "the static program needs libm2mauth.so"
  fi
  env -i "$work/client_assertion_static" >"$work/static.out" 2>&1 || { cat "$work/static.out"; fail "env -i static"; }
  grep -q '^4. verified' "$work/static.out" || fail "the static program did not verify"
  step "C program linked with libm2mauth.a (pkg-config --static)"
else
  echo "no libm2mauth.a (configure with -DM2MAUTH_BUILD_STATIC=ON): static link not tested"
fi
step "install: ok"
