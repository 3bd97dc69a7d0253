#!/bin/sh
# Builds and runs a C consumer of libm2mauth at test time (CTest tests c.*).
#   run_consumer.sh uninstalled <cc> <extra cflags> <source> <build dir>
#       flags from the build tree's pkgconfig/m2mauth-uninstalled.pc (rpath into the build tree)
#   run_consumer.sh installed <cc> <extra cflags> <source> <build dir> <version>
#       `DESTDIR=<tmp> cmake --install`, flags from the staged m2mauth.pc (PKG_CONFIG_SYSROOT_DIR)
#   run_consumer.sh installed_prefix <cc> <extra cflags> <source> <build dir>
#       `cmake --install --prefix <tmp>`, flags from its m2mauth.pc
#   run_consumer.sh dlopen <cc> <extra cflags> <source> <build dir>
#       no m2mauth flags at all: the program dlopen()s libm2mauth.so.<SOVERSION> (found via LD_LIBRARY_PATH)
# M2MAUTH_TEST_RUNNER, if set, runs the program under it (e.g. valgrind: the c.valgrind.* tests).
set -eu
mode=$1 cc=$2 extra=$3 source=$4 build=$5 version=${6:-}
runner=${M2MAUTH_TEST_RUNNER:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/m2mauth-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
strict="-std=c99 -Wall -Wextra -pedantic -Werror"

case "$mode" in
uninstalled)
  export PKG_CONFIG_PATH="$build/pkgconfig"
  flags=$(pkg-config --cflags --libs m2mauth-uninstalled)
  echo "pkg-config m2mauth-uninstalled: $flags"
  # shellcheck disable=SC2086
  $cc $strict $extra "$source" $flags -o "$work/consumer"
  # shellcheck disable=SC2086
  $runner "$work/consumer"
  ;;
installed)
  # A staged install (DESTDIR), as packagers do; pkg-config reads the staged m2mauth.pc with the stage
  # as its sysroot.
  DESTDIR="$work/stage" cmake --install "$build" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
  pc=$(find "$work/stage" -name m2mauth.pc | head -n 1)
  [ -n "$pc" ] || { echo "no m2mauth.pc installed"; exit 1; }
  PKG_CONFIG_PATH="$(dirname "$pc")"
  PKG_CONFIG_SYSROOT_DIR="$work/stage"
  export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
  flags=$(pkg-config --cflags --libs m2mauth)
  echo "pkg-config m2mauth (installed $(pkg-config --modversion m2mauth)): $flags"
  [ "$(pkg-config --modversion m2mauth)" = "$version" ] || { echo "m2mauth.pc has version $(pkg-config --modversion m2mauth), not $version"; exit 1; }
  # The SONAME follows the version (README, "ABI policy"): 0.x -> libm2mauth.so.0.<minor>, else .<major>.
  major=${version%%.*}; minor=${version#*.}; minor=${minor%%.*}
  if [ "$major" = 0 ]; then soname="libm2mauth.so.0.$minor"; else soname="libm2mauth.so.$major"; fi
  lib=$(find "$work/stage" -name "$soname" | head -n 1)
  [ -n "$lib" ] || { echo "$soname not installed"; exit 1; }
  [ -n "$(find "$work/stage" -path '*/include/m2mauth/m2mauth.h')" ] || { echo "headers not installed"; exit 1; }
  # shellcheck disable=SC2086
  $cc $strict $extra "$source" $flags -o "$work/consumer"
  LD_LIBRARY_PATH="$(dirname "$lib")" "$work/consumer"
  ;;
installed_prefix)
  # `cmake --install --prefix <dir>` into a prefix other than the configured one: the installed
  # m2mauth.pc must point into <dir>.
  cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
  pc=$(find "$work/prefix" -name m2mauth.pc | head -n 1)
  [ -n "$pc" ] || { echo "no m2mauth.pc installed"; exit 1; }
  PKG_CONFIG_PATH="$(dirname "$pc")"
  export PKG_CONFIG_PATH
  flags=$(pkg-config --cflags --libs m2mauth)
  libdir=$(pkg-config --variable=libdir m2mauth)
  echo "pkg-config m2mauth (installed under $work/prefix): $flags"
  case "$libdir" in
    "$work/prefix"*) ;;
    *) echo "m2mauth.pc names libdir $libdir, not under the install prefix"; exit 1 ;;
  esac
  # shellcheck disable=SC2086
  $cc $strict $extra "$source" $flags -o "$work/consumer"
  LD_LIBRARY_PATH="$libdir" "$work/consumer"
  ;;
dlopen)
  # shellcheck disable=SC2086
  $cc -std=gnu99 -Wall -Wextra -Werror $extra -I "$(dirname "$source")/../../../capi/include" "$source" -ldl -o "$work/consumer"
  if command -v readelf >/dev/null && readelf -d "$work/consumer" | grep -q 'libm2mauth'; then
    echo "the dlopen consumer links libm2mauth"; exit 1
  fi
  # shellcheck disable=SC2086
  LD_LIBRARY_PATH="$build/capi" $runner "$work/consumer"
  ;;
*)
  echo "unknown mode $mode"; exit 2 ;;
esac
