#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings from a built, unstripped library
# (a stripped one carries no uniffi metadata) into target/bindings/.
# Generated files are never edited by hand.
#   bindings/generate.sh [PROFILE]     PROFILE: debug (default) or release
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-debug}"
flag=(); [ "$profile" = release ] && flag=(--release)
cargo build --locked -q "${flag[@]}" -p pushdoctor-ffi
cargo build --locked -q -p uniffi-bindgen
library="target/$profile/libpushdoctor_ffi.so"
[ -f "$library" ] || library="target/$profile/libpushdoctor_ffi.dylib"
out=target/bindings
rm -rf "$out/kotlin" "$out/swift"
for language in kotlin swift; do
    target/debug/uniffi-bindgen generate --no-format --library "$library" --language "$language" --out-dir "$out/$language"
done
# A check that the Swift side was produced, since nothing here can compile it.
for file in pushdoctor_ffi.swift pushdoctor_ffiFFI.h pushdoctor_ffiFFI.modulemap; do
    [ -s "$out/swift/$file" ] || { echo "generate.sh: $out/swift/$file was not produced" >&2; exit 1; }
done
grep -q "class PushDoctorAgent" "$out/swift/pushdoctor_ffi.swift" || { echo "generate.sh: the Swift bindings lack PushDoctorAgent" >&2; exit 1; }
echo "bindings generated in $out/kotlin and $out/swift"
