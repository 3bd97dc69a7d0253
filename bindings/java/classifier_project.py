#!/usr/bin/env python3
"""The platform jar as a user takes it: `mvn install` of the binding, then a new Maven project outside the
repository that depends on io.m2mauth:m2mauth with this platform's classifier only, resolved without network.

    python3 bindings/java/classifier_project.py --build BUILD_DIR --work WORK_DIR [--mvn mvn] [--java java]

1. `mvn install` of bindings/java reusing BUILD_DIR's native build (tests skipped: java_binding runs them) into a
   private local repository WORK_DIR/m2, with settings of its own (the user's ~/.m2 and settings are neither read
   nor written). Maven's plugins come from Maven Central into that repository, which is kept between runs as a
   cache; m2mauth's own artifacts in it are removed first.
2. WORK_DIR/app: a pom with the dependency `<classifier>${m2mauth.classifier}</classifier>`, the property set by
   os-activated profiles as bindings/README.md shows; `mvn dependency:build-classpath`, then again with `-o`
   (offline: the platform jar resolves without network). The class path must be the platform jar alone.
3. App.java compiled against it and run in a new JVM with an empty environment: it signs and verifies a JWT
   and prints where the native library came from, which must be the platform jar's directory.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPENDENCY_PLUGIN = "3.8.1"  # the version the example POMs pin

APP_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>classifier-app</artifactId>
  <version>1</version>
  <properties><m2mauth.classifier>linux-x86_64</m2mauth.classifier></properties>
  <dependencies>
    <dependency>
      <groupId>io.m2mauth</groupId>
      <artifactId>m2mauth</artifactId>
      <version>{version}</version>
      <classifier>${{m2mauth.classifier}}</classifier>
    </dependency>
  </dependencies>
  <build><plugins><plugin>
    <artifactId>maven-dependency-plugin</artifactId><version>{dependency_plugin}</version>
  </plugin></plugins></build>
  <profiles>
    <profile><id>linux-aarch_64</id><activation><os><name>Linux</name><arch>aarch64</arch></os></activation>
      <properties><m2mauth.classifier>linux-aarch_64</m2mauth.classifier></properties></profile>
    <profile><id>osx-x86_64</id><activation><os><family>mac</family><arch>x86_64</arch></os></activation>
      <properties><m2mauth.classifier>osx-x86_64</m2mauth.classifier></properties></profile>
    <profile><id>osx-aarch_64</id><activation><os><family>mac</family><arch>aarch64</arch></os></activation>
      <properties><m2mauth.classifier>osx-aarch_64</m2mauth.classifier></properties></profile>
  </profiles>
</project>
"""

APP = """import io.m2mauth.*;
import java.time.Duration;
import java.util.EnumSet;

public class App {
  public static void main(String[] args) {
    try (Key key = Key.generateHmac(32)) {
      String jwt = Jwt.encode(Claims.builder().subject("app").issuedNowFor(Duration.ofMinutes(5)).build(), key,
          Algorithm.HS256, null);
      System.out.println("verified=" + Jwt.decode(jwt, key, EnumSet.of(Algorithm.HS256), null).subject());
      System.out.println("origin=" + M2mauth.nativeOrigin());
    }
  }
}
"""


def run(cmd, *, cwd=None, env=None) -> str:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=900)
    if p.returncode != 0:
        sys.stdout.write(p.stdout)
        raise SystemExit(f"FAILED ({p.returncode}): {' '.join(str(c) for c in cmd)}")
    return p.stdout


def library_version() -> str:
    text = (ROOT / "capi/include/m2mauth/common.h").read_text()
    parts = ("MAJOR", "MINOR", "PATCH")
    return ".".join(re.search(rf"#define M2MAUTH_VERSION_{p} (\d+)", text).group(1) for p in parts)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--mvn", default="mvn")
    p.add_argument("--java", default="java")
    p.add_argument("--javac", default="javac")
    args = p.parse_args()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    for old in [work / "binding", work / "app", work / "m2/io/m2mauth"]:
        shutil.rmtree(old, ignore_errors=True)
    version = library_version()
    settings = work / "settings.xml"
    settings.write_text("<settings/>\n")
    maven = [args.mvn, "-B", "-ntp", "-Dstyle.color=never", "-gs", settings, "-s", settings,
             f"-Dmaven.repo.local={work / 'm2'}"]

    # 1. mvn install of the binding, into the private repository
    run(maven + ["-q", "-f", ROOT / "bindings/java/pom.xml", "-Dm2mauth.skipNativeBuild=true", f"-Drevision={version}",
                 f"-Dm2mauth.cmake.build={Path(args.build).resolve()}",
                 f"-Dm2mauth.build.directory={work / 'binding'}", "-DskipTests", "-Dmaven.javadoc.skip=true",
                 "install"])
    installed = work / "m2/io/m2mauth/m2mauth" / version
    jars = sorted(f.name for f in installed.glob("*.jar"))
    print("installed:", ", ".join(jars))

    # 2. a new project outside the repository, depending on the platform jar only
    app = work / "app"
    (app / "src").mkdir(parents=True)
    (app / "pom.xml").write_text(APP_POM.format(version=version, dependency_plugin=DEPENDENCY_PLUGIN))
    (app / "src/App.java").write_text(APP)
    for offline in ([], ["-o"]):
        cp_file = app / "cp.txt"
        cp_file.unlink(missing_ok=True)
        run(maven + offline + ["-q", "dependency:build-classpath", f"-Dmdep.outputFile={cp_file}"], cwd=app)
        cp = cp_file.read_text().strip().split(os.pathsep)
        names = [Path(c).name for c in cp]
        classifier = re.match(rf"m2mauth-{re.escape(version)}-(.+)\.jar$", names[0]) if len(names) == 1 else None
        if not classifier:
            raise SystemExit(f"FAILED: the class path is not the platform jar alone: {names}")
        print(f"class path{' (offline)' if offline else ''}: {names[0]}")

    # 3. compiled and run with that jar only, in an empty environment
    run([args.javac, "-d", app / "classes", "-cp", cp[0], app / "src/App.java"])
    out = run([args.java, "-cp", f"{cp[0]}{os.pathsep}{app / 'classes'}", "App"], env={})
    print(out, end="")
    if "verified=app" not in out or not re.search(r"origin=jar:/io/m2mauth/native/[\w-]+/", out):
        raise SystemExit("FAILED: the library did not load from the platform jar")
    print(f"ok: {classifier.group(1)} jar resolved without network and loaded alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
