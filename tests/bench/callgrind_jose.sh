#!/bin/sh
# Instructions per call of bench_jose cases under valgrind --tool=callgrind: each case runs at two counts
# and the difference is divided by the difference of the counts, so setup and the warm-up call cancel.
# Instruction counts repeat from run to run where wall-clock rates on a shared machine do not.
#
#   sh tests/bench/callgrind_jose.sh <bench_jose binary> [case ...]
#
# Without cases: the HS256 floor section (sign and verify against base64url + HMAC), with the percentage
# of the floor's speed (floor instructions / case instructions). Build the binary Release.
set -eu
bin=${1:?usage: callgrind_jose.sh <bench_jose binary> [case ...]}
shift
[ $# -gt 0 ] || set -- floor-sign jwt-sign jwt-sign-json capi-sign floor-verify jwt-verify capi-verify
low=${M2MAUTH_CALLGRIND_LOW:-200}
high=${M2MAUTH_CALLGRIND_HIGH:-2200}

instructions() {  # case count -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --only "$1" --count "$2" 2>&1 |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

floor_sign=
floor_verify=
for c in "$@"; do
  a=$(instructions "$c" "$low")
  b=$(instructions "$c" "$high")
  per=$(( (b - a) / (high - low) ))
  case $c in
    floor-sign) floor_sign=$per ;;
    floor-verify) floor_verify=$per ;;
  esac
  ref=
  case $c in
    *-sign|*-sign-json) ref=$floor_sign ;;
    *-verify) ref=$floor_verify ;;
  esac
  if [ -n "$ref" ]; then
    awk -v c="$c" -v n="$per" -v r="$ref" 'BEGIN { printf "%-24s %9d instructions per call   %6.1f %% of the floor'"'"'s speed\n", c, n, 100 * r / n }'
  else
    printf '%-24s %9d instructions per call\n' "$c" "$per"
  fi
done
