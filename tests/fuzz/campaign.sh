#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz, one after the other, and prints per target: executions,
# executions per second, coverage (libFuzzer's final "cov" and "ft"), the corpus size at the end and
# the findings (crash-, leak-, timeout-, oom- files, and slow-unit- files still slow when replayed alone).
#
#   tests/fuzz/campaign.sh [seconds per target] [target...]
#
#   seconds   how long each target runs (default 3600: the documented long campaign); .ci/fuzz runs 20
#   target    names from tests/fuzz/CMakeLists.txt (default: all of them)
#   M2MAUTH_FUZZ_BUILD   the build directory (default build/fuzz), configured with -DM2MAUTH_FUZZ=ON:
#             .ci/fuzz makes it, or: CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja
#             -DCMAKE_BUILD_TYPE=RelWithDebInfo -DM2MAUTH_FUZZ=ON && cmake --build build/fuzz --target m2mauth_fuzz_targets
#   M2MAUTH_FUZZ_RUNS    stop each target after this many executions instead (e.g. 10000000), whichever first
#   M2MAUTH_FUZZ_NICE    run under nice (default 10: machines are shared)
#
# The committed corpus (tests/fuzz/corpus/<target>) is read, never written: new inputs go to
# <build>/campaign/<target>/corpus, findings to <build>/campaign/<target>/ with the log. Exit status
# 1 if any target found something. A finding is reproduced with `<build>/tests/fuzz/fuzz_<target>
# <file>`; once fixed, the input goes into tests/fuzz/corpus/<target>/ as regression-<what> (README.md).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-3600}
shift || true
build=${M2MAUTH_FUZZ_BUILD:-$top/build/fuzz}
case "$build" in /*) ;; *) build=$top/$build ;; esac
runs=${M2MAUTH_FUZZ_RUNS:--1}
niceness=${M2MAUTH_FUZZ_NICE:-10}
all_targets=(jws jwk key cert json token_response discovery a2a config oauth1)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

dict_of() {
  case "$1" in
    jws | jwk | json) echo jose ;;
    key | cert) echo pem ;;
    token_response | discovery | a2a) echo http ;;
    config) echo config ;;
    oauth1) echo oauth1 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

status=0
rows=()
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "campaign: $bin is missing (build the m2mauth_fuzz_targets target of a -DM2MAUTH_FUZZ=ON build)" >&2
    exit 2
  fi
  out=$build/campaign/$t
  rm -rf "$out"
  mkdir -p "$out/corpus"
  log=$out/fuzz.log
  start=$(date +%s)
  # -timeout: one input running this long is a finding; -max_len: 64 KiB covers every format here.
  nice -n "$niceness" "$bin" -max_total_time="$seconds" -runs="$runs" -timeout=25 -max_len=65536 \
    -dict="$top/tests/fuzz/dict/$(dict_of "$t").dict" -artifact_prefix="$out/" -print_final_stats=1 \
    "$out/corpus" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  # libFuzzer writes slow-unit-* for an input that took over 10 s, which on a loaded machine may be
  # only the scheduler: replay each alone; one still over 1 s is a finding, the others are renamed
  # *.starved and listed (replay time) but not counted.
  for slow in "$out"/slow-unit-*; do
    [ -f "$slow" ] || continue
    case "$slow" in *.starved) continue ;; esac
    t0=$(date +%s%N)
    "$bin" "$slow" >/dev/null 2>&1
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    if [ "$ms" -lt 1000 ]; then
      mv "$slow" "$slow.starved"
      echo "campaign: $t: $(basename "$slow") replays in $ms ms alone (slow only under load; not counted)" >&2
    fi
  done
  findings=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*[0-9a-f]' \) ! -name '*.starved' | wc -l)
  if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
    status=1
    echo "campaign: $t FAILED (exit $rc, $findings finding(s)); log: $log" >&2
    grep -E -m 20 'ERROR: |SUMMARY: |runtime error: |^    #[0-9]+ ' "$log" >&2 || true
  fi
  rows+=("$(printf '%-15s %6ss %12s %8s %7s %7s %7s %4s' "$t" "$took" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$findings")")
done

printf '%-15s %7s %12s %8s %7s %7s %7s %4s\n' target time execs exec/s cov ft corpus find
printf '%s\n' "${rows[@]}"
exit $status
