#!/usr/bin/env bash
# The soak run (not in CI): N minutes of authenticated requests from many threads through the C API against
# tests/servers/soak_server.py, with faults injected at random; judges the figures (tests/soak/README.md).
#
#   tests/soak/run.sh [minutes (default 10)] [build dir (default build/dev, configured if missing)] [soak.py options]
#
# Builds only what it needs (libm2mauth and m2mauth_soak_driver) in the build dir, runs at low priority, prints
# the report and writes it as JSON to <build dir>/soak/soak-report.json. Exit status 1 if a check fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
minutes=${1:-10}
build=${2:-${M2MAUTH_BUILD_DIR:-build/dev}}
shift $(( $# < 2 ? $# : 2 ))
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
nice cmake --build "$build" --target m2mauth_soak_driver
exec nice python3 tests/soak/soak.py --driver "$build/tests/soak/m2mauth_soak_driver" --minutes "$minutes" \
  --out "$build/soak" "$@"
