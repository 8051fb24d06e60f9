#!/usr/bin/env bash
# The FFI's cost on the JVM (figures in BENCHMARKS.md): a release build of
# the library, its generated Kotlin bindings, and bindings/kotlin/bench.
#   bindings/kotlin-bench.sh [RUNS]   RUNS separate JVM runs (default 1), each
#                                     printing its own table
# BENCH_QUICK=1: fewer rounds, to try a change (never for a figure);
# BENCH_SKIP_TESTS=1: skip the Kotlin tests run first to install the tools.
set -euo pipefail
runs="${1:-1}"
case "$runs" in ''|*[!0-9]*|0) echo "kotlin-bench.sh: RUNS must be a count above zero, not '$runs'" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
source scripts/ensure-rust.sh
source scripts/target-dir.sh
[ -n "${BENCH_SKIP_TESTS:-}" ] || bash bindings/kotlin-test.sh >/dev/null   # installs the tools when missing
PUSHDOCTOR_FFI_FEATURES=bench bash bindings/generate.sh release
kotlin_home=.tools/node_modules/kotlin-compiler
jars=/usr/share/java
classpath="$jars/jna.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
out="$target_dir/bindings"
"$kotlin_home/bin/kotlinc" -nowarn -cp "$classpath" \
    "$out"/kotlin/uniffi/pushdoctor_ffi/*.kt bindings/kotlin/bench/Bench.kt -d "$out/kotlin-bench.jar"
for run in $(seq "$runs"); do
    echo "run $run of $runs ($(date -u +%FT%TZ))"
    java -Dbench.quick="${BENCH_QUICK:+true}" -Djna.library.path="$target_dir/release" -cp "$out/kotlin-bench.jar:$classpath:$kotlin_home/lib/kotlin-stdlib.jar" BenchKt
done
