#!/bin/sh
# Per-call signing cost through the Java and Go bindings next to the C baseline (not a test).
#   sh bindings/bench.sh BUILD_DIR [seconds-per-case]
# BUILD_DIR is a CMake build with -DM2MAUTH_BUILD_JAVA=ON (Release for figures worth quoting).
# Prints Go's testing.B lines (…/C is the loop run in C) and Java's SignBench lines; on a shared machine
# run it a few times and take the lowest figure of each line.
set -eu
build=$(cd "$1" && pwd)
secs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
cmake --build "$build" --target m2mauth_jni
(cd "$here/go" && PKG_CONFIG_PATH="$build/pkgconfig" go test -run '^$' -bench Sign -benchtime "${secs}s" ./m2mauth)
mvn -q -B -ntp -f "$here/java/pom.xml" -Dm2mauth.skipNativeBuild=true -Dm2mauth.cmake.build="$build" \
  -Dm2mauth.build.directory="$build/bindings/java/maven" test-compile
java -cp "$build/bindings/java/maven/classes:$build/bindings/java/maven/test-classes" io.m2mauth.bench.SignBench "$secs"
