#!/usr/bin/env bash
# The Kotlin tests: the real library on the JVM through JNA, under JUnit 4.
# Installs what is missing: the Kotlin compiler from npm into .tools/ (an
# ignored folder of the repository), JNA and JUnit 4 from Debian. Builds
# into cargo's target directory, wherever CARGO_TARGET_DIR puts it.
#   bindings/kotlin-test.sh                 run the tests
#   bindings/kotlin-test.sh --print-paths   only print the paths it would use
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-rust.sh
source scripts/target-dir.sh
out="$target_dir/bindings"
native="$target_dir/debug"
if [ "${1:-}" = --print-paths ]; then
    printf 'out=%s\njna.library.path=%s\n' "$out" "$native"
    exit 0
fi
source scripts/ensure-kotlin.sh
jars=/usr/share/java
if [ ! -f "$jars/jna.jar" ] || [ ! -f "$jars/junit4.jar" ] || [ ! -f "$jars/hamcrest-core.jar" ]; then
    echo "installing JNA and JUnit 4 from Debian"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq libjna-java junit4 >/dev/null
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq libjna-java junit4 >/dev/null
    fi
fi
command -v java >/dev/null || { echo "kotlin-test.sh: a Java runtime (17 or newer) is needed" >&2; exit 2; }

bash bindings/generate.sh debug
lib="$kotlin_home/lib"
classpath="$jars/jna.jar:$jars/junit4.jar:$jars/hamcrest-core.jar:$lib/kotlinx-coroutines-core-jvm.jar"
# Compile only when the bindings or the tests changed.
jar="$out/kotlin-tests.jar"
stamp="$(cat "$out"/kotlin/uniffi/pushdoctor_ffi/*.kt bindings/kotlin/test/*.kt | sha256sum | cut -c1-16)"
if [ ! -f "$jar" ] || [ "$(cat "$out/kotlin-tests.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "compiling the Kotlin bindings and tests"
    "$kotlin_home/bin/kotlinc" -nowarn -cp "$classpath" \
        "$out"/kotlin/uniffi/pushdoctor_ffi/*.kt bindings/kotlin/test/*.kt -d "$jar"
    echo "$stamp" > "$out/kotlin-tests.stamp"
fi
# Every test class, one per file named *Test.kt: a new file runs without
# being listed here.
classes=$(cd bindings/kotlin/test && ls *Test.kt | sed 's/\.kt$//')
java -Djna.library.path="$native" -cp "$jar:$classpath:$lib/kotlin-stdlib.jar" \
    org.junit.runner.JUnitCore $classes
