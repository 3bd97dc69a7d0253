#!/bin/sh
# Every language's peer comparison in one go (not a test; Go and Java download their peers on first use).
#   sh bench/peers.sh BUILD_DIR [c|callgrind|python|go|java ...]       (default: all five)
# BUILD_DIR: a Release build with -DM2MAUTH_BUILD_PYTHON=ON -DM2MAUTH_BUILD_JAVA=ON -DM2MAUTH_BUILD_GO=ON.
# Short runs by default; M2MAUTH_BENCH_SECONDS sets the C and Python loop length per contender per round.
# Each section prints the machine (CPU, cores, load) and ratios measured in its own run: contenders
# interleaved in rounds, medians kept. docs/performance.md says what each row measures.
set -eu
[ $# -ge 1 ] || { sed -n 2,7p "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
parts=${*:-c callgrind python go java}
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${M2MAUTH_BENCH_SECONDS:-0.2}
for part in $parts; do
  echo "==== $part"
  case $part in
    c)
      cmake --build "$build" --target bench_peers >/dev/null
      "$build/tests/bench/bench_peers" "$secs" ;;
    callgrind)
      cmake --build "$build" --target bench_peers >/dev/null
      sh "$root/tests/bench/callgrind_peers.sh" "$build" ;;
    python)
      cmake --build "$build" --target _m2mauth >/dev/null
      (cd "$root/python/bench" && PYTHONPATH="$build/python" python3 peers.py --seconds "$secs") ;;
    go)
      cmake --build "$build" --target m2mauth >/dev/null
      sh "$root/bindings/go/bench/peers.sh" "$build" ;;
    java)
      sh "$root/bindings/java/bench/peers.sh" "$build" ;;
    *) echo "unknown part $part (c, callgrind, python, go, java)" >&2; exit 2 ;;
  esac
  echo
done
