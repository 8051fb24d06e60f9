#!/usr/bin/env bash
# The FFI's cost on the JVM (figures in BENCHMARKS.md): a release build of
# the library, its generated Kotlin bindings, and bindings/kotlin/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-rust.sh
source scripts/target-dir.sh
bash bindings/kotlin-test.sh >/dev/null   # installs the tools when missing
PUSHDOCTOR_FFI_FEATURES=bench bash bindings/generate.sh release
kotlin_home=.tools/node_modules/kotlin-compiler
jars=/usr/share/java
classpath="$jars/jna.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
out="$target_dir/bindings"
"$kotlin_home/bin/kotlinc" -nowarn -cp "$classpath" \
    "$out/kotlin/uniffi/pushdoctor_ffi/pushdoctor_ffi.kt" bindings/kotlin/bench/Bench.kt -d "$out/kotlin-bench.jar"
java -Djna.library.path="$target_dir/release" -cp "$out/kotlin-bench.jar:$classpath:$kotlin_home/lib/kotlin-stdlib.jar" BenchKt
