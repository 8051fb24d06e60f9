#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings from a built, unstripped library
# (a stripped one carries no uniffi metadata) into bindings/ of cargo's
# target directory (target/bindings/ unless CARGO_TARGET_DIR says otherwise).
# Generated files are never edited by hand; the one change made to them is
# scripted below (catching Throwable in the callback handlers) and checked.
# The Kotlin helper LogBatch (bindings/kotlin/src/) is copied beside them.
#   bindings/generate.sh [PROFILE]     PROFILE: debug (default) or release
#   bindings/generate.sh --print-paths [PROFILE]
#                                      only print the paths it would use
# PUSHDOCTOR_FFI_FEATURES=bench adds the benchmark's helper
# (bindings/kotlin-bench.sh); without it the generated API is an app's.
set -euo pipefail
cd "$(dirname "$0")/.."
print_paths=false
if [ "${1:-}" = --print-paths ]; then
    print_paths=true
    shift
fi
profile="${1:-debug}"
case "$profile" in
    debug) flag=() ;;
    release) flag=(--release) ;;
    *) echo "generate.sh: unknown profile '$profile' (debug or release)" >&2; exit 2 ;;
esac
features="${PUSHDOCTOR_FFI_FEATURES:-}"
[ -n "$features" ] && flag+=(--features "$features")
source scripts/ensure-rust.sh
source scripts/target-dir.sh
out="$target_dir/bindings"
bindgen="$target_dir/debug/uniffi-bindgen"
# The host's shared library: the bindings are read from it, and the Kotlin
# tests load it.
case "$(uname -s)" in Darwin) library_file=libpushdoctor_ffi.dylib ;; *) library_file=libpushdoctor_ffi.so ;; esac
library="$target_dir/$profile/$library_file"
if $print_paths; then
    printf 'library=%s\nbindgen=%s\nout=%s\n' "$library" "$bindgen" "$out"
    exit 0
fi
cargo build --locked -q "${flag[@]}" -p pushdoctor-ffi
cargo build --locked -q -p uniffi-bindgen
[ -f "$library" ] || { echo "generate.sh: cargo built no $library" >&2; exit 1; }
rm -rf "$out/kotlin" "$out/swift"
for language in kotlin swift; do
    "$bindgen" generate --no-format --library "$library" --language "$language" --out-dir "$out/$language"
done
# uniffi 0.32's Kotlin catches only kotlin.Exception around the app's
# callback code. A kotlin.Error (TODO()'s NotImplementedError, a
# StackOverflowError) then escapes: from a suspend callback it reaches the
# thread's uncaught-exception handler, which on Android kills the app, and
# the call never answers (the agent reported a timeout). Every foreign call
# into app code goes through these four handlers, so catching Throwable
# there covers every PlatformProbe, EventListener and ProgressListener
# method, and no app can forget it. (A CancellationException was already
# caught there: it is how a call the Rust side dropped ends.)
kotlin="$out/kotlin/uniffi/pushdoctor_ffi/pushdoctor_ffi.kt"
narrow='catch(e: kotlin.Exception)'
handlers="$(grep -c -F "$narrow" "$kotlin" || true)"
if [ "$handlers" != 4 ]; then
    echo "generate.sh: expected uniffi's 4 callback handlers catching kotlin.Exception in $kotlin, found $handlers: check the Throwable patch against this uniffi version" >&2
    exit 1
fi
sed -i 's/catch(e: kotlin\.Exception)/catch(e: kotlin.Throwable)/' "$kotlin"
[ "$(grep -c -F 'catch(e: kotlin.Throwable)' "$kotlin")" = 4 ] || { echo "generate.sh: the Throwable patch did not apply" >&2; exit 1; }
# The Kotlin helper shipped with the bindings, in their package: LogBatch
# packs log records for PushDoctorAgent.logPacked (docs/bindings.md).
grep -q "fun \`logPacked\`(\`packed\`: java.nio.ByteBuffer)" "$kotlin" || { echo "generate.sh: the Kotlin bindings lack logPacked(ByteBuffer), which LogBatch calls" >&2; exit 1; }
cp bindings/kotlin/src/LogBatch.kt "$out/kotlin/uniffi/pushdoctor_ffi/LogBatch.kt"
# A check that the Swift side was produced, since nothing here can compile it.
for file in pushdoctor_ffi.swift pushdoctor_ffiFFI.h pushdoctor_ffiFFI.modulemap; do
    [ -s "$out/swift/$file" ] || { echo "generate.sh: $out/swift/$file was not produced" >&2; exit 1; }
done
grep -q "class PushDoctorAgent" "$out/swift/pushdoctor_ffi.swift" || { echo "generate.sh: the Swift bindings lack PushDoctorAgent" >&2; exit 1; }
# The ids are enums in both languages (issue 11): a sample of them.
for type in ScenarioId RowId CheckId ActionId SettingsTarget LogLevel; do
    grep -q "^public enum $type\b" "$out/swift/pushdoctor_ffi.swift" || { echo "generate.sh: the Swift bindings lack the enum $type" >&2; exit 1; }
    grep -q "^enum class $type\b" "$kotlin" || { echo "generate.sh: the Kotlin bindings lack the enum $type" >&2; exit 1; }
done
# The benchmark's helper stays out of an app's API.
if [ -z "$features" ] && grep -q "measureCallbackCost\|class BareObject\|fun \`bareLog\`" "$kotlin"; then
    echo "generate.sh: the benchmark's helpers (measureCallbackCost, bareLog, BareObject) are in the API without the bench feature" >&2
    exit 1
fi
echo "bindings generated in $out/kotlin and $out/swift"
