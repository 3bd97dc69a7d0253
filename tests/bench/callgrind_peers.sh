#!/bin/sh
# Instructions per call, m2mauth (C API) vs libjwt vs raw OpenSSL, counted by callgrind (not a test).
#   sh tests/bench/callgrind_peers.sh BUILD_DIR [ALG...]        (default: HS256 RS256 ES256 EdDSA)
# Runs `bench_peers --one CONTENDER ALG OP COUNT` under valgrind --tool=callgrind at two counts and prints
# (Ir(high) - Ir(low)) / (high - low): setup, key loading and library start-up cancel out, so the figure is
# the marginal cost of one call, free of the wall-clock noise of a shared machine. Needs valgrind.
set -eu
bin=$(cd "$1" && pwd)/tests/bench/bench_peers
shift
[ -x "$bin" ] || { echo "no $bin: build the bench_peers target" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 2; }
algs=${*:-HS256 RS256 ES256 EdDSA}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Total instructions (Ir) of one run; empty when the contender does not support the row.
count() {
  out="$tmp/cg.out"
  if valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --one "$1" "$2" "$3" "$4" >/dev/null 2>"$tmp/err"; then
    sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out"
  fi
}

echo "instructions per call (callgrind, marginal between two iteration counts); ratio = other / m2mauth"
printf '%-13s | %12s %12s %12s | %9s %9s\n' row m2mauth libjwt raw "libjwt/m" "raw/m"
for alg in $algs; do
  case $alg in
    HS*) lo=200 hi=2200 ;;
    *) lo=5 hi=45 ;;
  esac
  for op in sign verify; do
    m=; l=; r=
    for who in m2mauth libjwt raw; do
      a=$(count "$who" "$alg" "$op" "$lo")
      b=$(count "$who" "$alg" "$op" "$hi")
      v=
      [ -n "$a" ] && [ -n "$b" ] && v=$(( (b - a) / (hi - lo) ))
      case $who in m2mauth) m=$v ;; libjwt) l=$v ;; raw) r=$v ;; esac
    done
    ratio() { if [ -n "$1" ] && [ -n "$m" ]; then awk "BEGIN{printf \"%.2fx\", $1 / $m}"; else echo n/a; fi; }
    printf '%-13s | %12s %12s %12s | %9s %9s\n' "$alg $op" "${m:-n/a}" "${l:-n/a}" "${r:-n/a}" "$(ratio "$l")" "$(ratio "$r")"
  done
done
