#!/bin/sh
# Runs the benchmarks whose output docs/performance.md is drawn from, then renders the page (not a test).
#   sh docs/performance/measure.sh BUILD_DIR OUTPUT_DIR [part ...]
# Parts (default: machine callgrind token jose python): machine (date, CPU, load, commit), callgrind (C instruction
# counts: bench_peers, bench_jose floor/claims/jwks, bench_token reads per number of keys; deterministic),
# token (bench_token wall clock: read designs, keys, threads), jose (bench_jose per-algorithm table, wall clock),
# python (python/bench/peers.py), go (bindings/go/bench/peers.sh), java (bindings/java/bench/peers.sh; the
# Go and Java harnesses download their peers on first use). BUILD_DIR: a Release build with
# -DM2MAUTH_BUILD_PYTHON=ON (and -DM2MAUTH_BUILD_JAVA=ON for java). Each part writes OUTPUT_DIR/<name>.txt;
# render.py then writes docs/performance.md and docs/performance/*.svg from whatever files exist.
# M2MAUTH_BENCH_SECONDS sets the wall-clock loop length (default 0.2 s).
set -eu
[ $# -ge 2 ] || { sed -n 2,11p "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
shift 2
parts=${*:-machine callgrind token jose python}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${M2MAUTH_BENCH_SECONDS:-0.2}
bench="$build/tests/bench"

# Marginal instructions per call of one command line between two iteration counts: COUNT in the
# arguments is replaced by each count in turn.
marginal() {  # low high command...
  lo=$1 hi=$2
  shift 2
  a=$(callgrind_total "$lo" "$@")
  b=$(callgrind_total "$hi" "$@")
  echo $(( (b - a) / (hi - lo) ))
}
callgrind_total() {  # count command...
  n=$1
  shift
  args=
  for x in "$@"; do [ "$x" = COUNT ] && x=$n; args="$args $x"; done
  # shellcheck disable=SC2086  # args is a list of words without spaces
  valgrind --tool=callgrind --callgrind-out-file=/dev/null $args 2>&1 >/dev/null |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

for part in $parts; do
  echo "==== $part" >&2
  case $part in
    machine)
      {
        echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs online"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo "build: $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")"
        echo "compiler: $(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt" | xargs -r sh -c '"$0" --version' | head -1)"
        echo "openssl: $(openssl version 2>/dev/null || echo unknown)"
      } >"$out/machine.txt"
      machine_done=1 ;;
    callgrind)
      command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 2; }
      cmake --build "$build" --target bench_jose bench_token bench_peers >/dev/null
      sh "$root/tests/bench/callgrind_peers.sh" "$build" >"$out/callgrind_peers.txt"
      sh "$root/tests/bench/callgrind_jose.sh" "$bench/bench_jose" >"$out/callgrind_floor.txt"
      sh "$root/tests/bench/callgrind_jose.sh" "$bench/bench_jose" jwks-1 jwks-10 jwks-100 jwks-1000 \
        >"$out/callgrind_jwks.txt"
      : >"$out/callgrind_claims.txt"
      for n in 100 1000 10000 100000; do
        case $n in 100000) lo=10 hi=60 ;; 10000) lo=20 hi=220 ;; *) lo=200 hi=2200 ;; esac
        M2MAUTH_CALLGRIND_LOW=$lo M2MAUTH_CALLGRIND_HIGH=$hi sh "$root/tests/bench/callgrind_jose.sh" \
          "$bench/bench_jose" "claims-floor-sign-$n" "claims-sign-$n" "claims-floor-verify-$n" "claims-verify-$n" \
          >>"$out/callgrind_claims.txt"
      done
      {
        echo "instructions per cached-token read (callgrind, marginal between 20000 and 100000 reads);"
        echo "keys 0: the configured key (no lookup); otherwise the oldest of KEYS keys, read through the borrowed key"
        for k in 0 1 10 100 1000 10000; do
          printf 'keys %6d %8d instructions per read\n' "$k" "$(marginal 20000 100000 "$bench/bench_token" --reads COUNT "$k")"
        done
        echo "instructions per key of a fill (bench_token --reads 1 KEYS, marginal between two numbers of keys)"
        f100=$(callgrind_total 0 "$bench/bench_token" --reads 1 100)
        f1000=$(callgrind_total 0 "$bench/bench_token" --reads 1 1000)
        f10000=$(callgrind_total 0 "$bench/bench_token" --reads 1 10000)
        printf 'fill %6d %6d %8d instructions per key\n' 100 1000 $(( (f1000 - f100) / 900 ))
        printf 'fill %6d %6d %8d instructions per key\n' 1000 10000 $(( (f10000 - f1000) / 9000 ))
      } >"$out/callgrind_token.txt" ;;
    token)
      cmake --build "$build" --target bench_token >/dev/null
      "$bench/bench_token" "$secs" >"$out/bench_token.txt" ;;
    jose)
      cmake --build "$build" --target bench_jose >/dev/null
      "$bench/bench_jose" "$secs" --section table >"$out/bench_jose.txt" ;;
    python)
      cmake --build "$build" --target _m2mauth >/dev/null
      (cd "$root/python/bench" && PYTHONPATH="$build/python" python3 peers.py --seconds "$secs") >"$out/python_peers.txt" ;;
    go)
      cmake --build "$build" --target m2mauth >/dev/null
      sh "$root/bindings/go/bench/peers.sh" "$build" >"$out/go_peers.txt" ;;
    java)
      sh "$root/bindings/java/bench/peers.sh" "$build" >"$out/java_peers.txt" ;;
    *) echo "unknown part $part (machine callgrind token jose python go java)" >&2; exit 2 ;;
  esac
done
if [ -n "${machine_done:-}" ]; then echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"; fi
python3 "$here/render.py" "$out"
