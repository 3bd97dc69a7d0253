#!/bin/sh
# Per-call signing cost through the Java and Go bindings next to the C baseline (not a test).
#   sh bindings/bench.sh BUILD_DIR [seconds-per-case]
# BUILD_DIR is a CMake build with -DM2MAUTH_BUILD_JAVA=ON (Release for figures worth quoting).
# Prints the Go figures (C baseline, Go, Go with a header option) and Java's SignBench lines; each is
# the fastest of many short interleaved rounds (see bindings/README.md, "Benchmarks").
set -eu
build=$(cd "$1" && pwd)
secs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
cmake --build "$build" --target m2mauth_jni
(cd "$here/go" && M2MAUTH_BENCH=1 PKG_CONFIG_PATH="$build/pkgconfig" go test -count=1 -run SignOverhead -v ./m2mauth)
mvn -q -B -ntp -f "$here/java/pom.xml" -Dm2mauth.skipNativeBuild=true -Dm2mauth.cmake.build="$build" \
  -Dm2mauth.build.directory="$build/bindings/java/maven" test-compile
java -cp "$build/bindings/java/maven/classes:$build/bindings/java/maven/test-classes" io.m2mauth.bench.SignBench "$secs"
