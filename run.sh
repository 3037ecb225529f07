#!/usr/bin/env bash
# The one launcher of nostr-cache.
#   ./run.sh [start] [--config FILE]   build what is missing, then start the local runtime (Ctrl-C stops it)
#   ./run.sh verify FILE|-             check a JSON-lines dump: one verdict per line, non-zero exit if any is invalid
#   ./run.sh test                      build everything and run the whole test suite (what CI runs)
#   ./run.sh bench [--events N]        the benchmark (localstack/bench), on loopback only
# It needs a JDK 21 or newer: JAVA_HOME if that is one, else the newest under /usr/lib/jvm.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
main_jar="$here/localstack/target/localstack-0.1.0-SNAPSHOT.jar"
classpath_file="$here/localstack/target/classpath.txt"
bench_jar="$here/localstack/bench/target/localstack-bench-0.1.0-SNAPSHOT.jar"
bench_classpath_file="$here/localstack/bench/target/classpath.txt"
build_stamp="$here/localstack/target/.run-sh-build"

java_major() { # prints the specification version of the java binary $1 (17, 21, 25...), or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

find_jdk() {
  local candidate major best="" best_major=0
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then
    major="$(java_major "$JAVA_HOME/bin/java")"
    if [[ -n "$major" && "$major" -ge 21 ]]; then echo "$JAVA_HOME"; return; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [[ -x "$candidate/bin/javac" ]] || continue
    major="$(java_major "$candidate/bin/java")"
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then best="$candidate"; best_major="$major"; fi
  done
  if [[ -z "$best" ]]; then
    echo "nostr-cache needs a JDK 21 or newer, and found none: JAVA_HOME is '${JAVA_HOME:-unset}' and /usr/lib/jvm has no JDK >= 21." >&2
    echo "Install one (for example Temurin 21 or 25) and set JAVA_HOME to it." >&2
    exit 1
  fi
  echo "$best"
}

JAVA_HOME="$(find_jdk)"
export JAVA_HOME
major="$(java_major "$JAVA_HOME/bin/java")"
# A laptop runtime: the heap is capped so that the whole runtime stays under 1.5 GiB while it ingests (at 1 GiB G1
# grew the heap to its cap and the runtime to 1.6 GiB; docs/benchmarks.md, eighteenth and nineteenth);
# NOSTR_CACHE_JAVA_OPTS, read after these flags, may set another -Xmx. G1 aims at pauses of 50 ms instead of its
# 200: its pauses were much of the answers' tails at 100 clients (docs/benchmarks.md, 2026-12-03 third; 10 ms was tried in the sixth: more
# memory and slower ingest).
# The heap starts at its cap (-Xms768m): left to size itself, G1 shrank an idle runtime's heap to about 200 MiB
# around 80 MiB of live data, and under a REQ load then collected a 100 MiB eden several times a second and ran a
# concurrent cycle (a Remark pause of ~8 ms) at every other collection; at its cap it collects a seventh as often
# and runs none, and the REQ loops' p99 fell by a quarter to a third at 1, 10 and 100 clients (docs/benchmarks.md,
# twenty-seventh). The peak while ingesting did not rise (1,397 MiB against 1,482 in the run before): the ingest
# grew the heap to its cap anyway. When NOSTR_CACHE_JAVA_OPTS sizes the heap itself (-Xmx or -Xms), the initial size
# is left to it: an -Xms768m above a smaller -Xmx there would keep the JVM from starting (RunScriptTest).
# libsecp256k1 verifies signatures through JNI: loading it is allowed up front (newer JDKs warn otherwise).
jvm_flags=(-Xmx768m -XX:MaxGCPauseMillis=50 --enable-native-access=ALL-UNNAMED)
if [[ " ${NOSTR_CACHE_JAVA_OPTS:-} " != *" -Xm"[sx]* ]]; then jvm_flags=(-Xms768m "${jvm_flags[@]}"); fi
if [[ "$major" -ge 24 ]]; then
  # Pekko (inside ElasticMQ) and Maven's Guava still use sun.misc.Unsafe; allow it quietly on newer JDKs.
  jvm_flags+=(--sun-misc-unsafe-memory-access=allow)
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

needs_build() {
  [[ -f "$main_jar" && -f "$classpath_file" && -f "$bench_jar" && -f "$bench_classpath_file" && -f "$build_stamp" ]] || return 0
  # Any source, resource or POM newer than the last build means a rebuild (Maven leaves unchanged outputs with their
  # old times, so the stamp, not the jar, says when the last build ran). Test sources count: the benchmark runs on
  # test fixtures of other modules.
  [[ -n "$(find "$here" -path "$here/.git" -prune -o -path '*/target' -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/*/resources/*' \) -type f -newer "$build_stamp" -print -quit)" ]]
}

build() {
  echo "building nostr-cache (JDK $major at $JAVA_HOME)..." >&2
  local log
  log="$(mktemp)"
  if ! (cd "$here" && mvn -B -ntp -q -DskipTests package >"$log" 2>&1); then
    cat "$log" >&2
    rm -f "$log"
    echo "build failed" >&2
    exit 1
  fi
  rm -f "$log"
  touch "$build_stamp"
}

command="${1:-start}"
# Tools the tests drive: headless Chromium (the example page) and PostgreSQL 15's pg_dump/pg_restore (backup and
# restore). Debian's packages are installed when missing and we may.
ensure_package() { # binary package
  [[ -x "$1" ]] && return 0
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "the tests need Debian's $2 package: run 'apt-get install $2' as root, then retry" >&2
      exit 1
    fi
  fi
  echo "installing Debian's $2 package for the tests..." >&2
  if ! { $sudo apt-get install -y -q "$2" >/dev/null || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "$2" >/dev/null; }; }; then
    echo "could not install $2 with apt-get; install it by hand and retry" >&2
    exit 1
  fi
}

case "$command" in
  test)
    shift
    cd "$here"
    ensure_package /usr/bin/chromium chromium
    ensure_package /usr/bin/pg_dump postgresql-client-15
    # The SAM template is linted as CloudFormation sees it (cfn-lint applies the SAM transform): no error, no warning.
    if command -v cfn-lint >/dev/null; then
      echo "linting template.yaml with $(cfn-lint --version 2>&1)..." >&2
      if ! cfn-lint template.yaml; then
        echo "cfn-lint found problems in template.yaml (above); fix them, or ignore one in the resource's Metadata with the reason" >&2
        exit 1
      fi
    else
      echo "cfn-lint is not installed, so template.yaml is not linted: 'pip install cfn-lint' (1.x, it brings the SAM translator), then run ./run.sh test again" >&2
    fi
    exec mvn -B -ntp verify "$@"
    ;;
  bench)
    shift
    if needs_build; then build; fi
    # The repository root: the benchmark times the Lambda artifact (functions/target) in a fresh JVM.
    exec "$JAVA_HOME/bin/java" "${jvm_flags[@]}" ${NOSTR_CACHE_JAVA_OPTS:-} -Dnostrcache.repoRoot="$here" \
      -cp "$bench_jar:$(cat "$bench_classpath_file")" dev.nostrcache.localstack.bench.BenchCommand "$@"
    ;;
  *)
    if needs_build; then build; fi
    exec "$JAVA_HOME/bin/java" "${jvm_flags[@]}" ${NOSTR_CACHE_JAVA_OPTS:-} \
      -cp "$main_jar:$(cat "$classpath_file")" dev.nostrcache.localstack.Main "$@"
    ;;
esac
