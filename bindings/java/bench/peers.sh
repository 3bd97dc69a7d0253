#!/bin/sh
# Java peers (JMH): m2mauth against nimbus-jose-jwt, jjwt and auth0 java-jwt (not a test; the first run
# downloads JMH and the peers from Maven Central).
#   sh bindings/java/bench/peers.sh BUILD_DIR [rounds] [jmh options...]
# BUILD_DIR is a CMake build with -DM2MAUTH_BUILD_JAVA=ON (Release for figures). Packs the m2mauth jar from
# it (no second native build), installs it into a private local repository under BUILD_DIR (as the
# examples' test does), builds this project and runs all benchmarks once per round (default 2 rounds of
# short iterations: 1 fork, 6 x 1 s warm-up, 3 x 500 ms measured; the peers need that warm-up for the JIT on a loaded machine); ratios.py prints the median
# round and peer / m2mauth ratios. JMH options after the rounds replace the short defaults.
set -eu
build=$(cd "$1" && pwd)
rounds=${2:-2}
shift
[ $# -gt 0 ] && shift
jmh_opts=${*:-"-f 1 -wi 6 -w 1s -i 3 -r 500ms"}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work="$build/bindings/java/peers"
mkdir -p "$work"
rm -f "$work"/round*.json "$work"/round*.log
version=$(sed -n 's/^#define M2MAUTH_VERSION_STRING "\(.*\)"/\1/p' "$root/capi/include/m2mauth/common.h")
cmake --build "$build" --target m2mauth_jni >/dev/null

mvn="mvn -B -ntp -q -Dstyle.color=never"
# Maven's own output goes to a log, shown when a step fails.
quiet() { "$@" >"$work/maven.log" 2>&1 || { cat "$work/maven.log" >&2; exit 1; }; }
quiet $mvn -f "$root/bindings/java/pom.xml" -Dm2mauth.skipNativeBuild=true -Drevision="$version" \
  -Dm2mauth.cmake.build="$build" -Dm2mauth.build.directory="$work/binding" -DskipTests package
cat >"$work/settings.xml" <<XML
<settings>
  <profiles><profile><id>user-repository</id>
    <repositories><repository><id>user-repository</id><url>file://$HOME/.m2/repository</url></repository></repositories>
    <pluginRepositories><pluginRepository><id>user-repository</id><url>file://$HOME/.m2/repository</url></pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>user-repository</activeProfile></activeProfiles>
</settings>
XML
maven="$mvn -gs $work/settings.xml -Dmaven.repo.local=$work/m2"
quiet $maven -f "$root/bindings/java/pom.xml" -Drevision="$version" install:install-file \
  -Dfile="$work/binding/m2mauth-$version.jar" -DpomFile="$root/bindings/java/pom.xml" -Dversion="$version"
quiet $maven -f "$here/pom.xml" -Drevision="$version" -Dbench.build.directory="$work/bench" package

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg); $(java -version 2>&1 | head -1)"
i=1
while [ "$i" -le "$rounds" ]; do
  # shellcheck disable=SC2086  # jmh_opts is a list of options
  java -Dm2mauth.bench.keys="$root/tests/servers/keys" -cp "$work/bench/classes:$work/bench/lib/*" \
    org.openjdk.jmh.Main $jmh_opts -rf json -rff "$work/round$i.json" io.m2mauth.peers >"$work/round$i.log" 2>&1 ||
    { tail -30 "$work/round$i.log" >&2; exit 1; }
  i=$((i + 1))
done
python3 "$here/ratios.py" "$work"/round*.json
