#!/usr/bin/env bash
# The Android sample on the JVM: its Kotlin sources compiled against the
# real Android framework classes (android-all for targetSdk 35) and the
# generated bindings, and every test under app/src/test/kotlin run under
# Robolectric, offline, against the real Rust library through JNA.
#
# What it fetches comes from Maven Central, through mvn, into a cache that
# it fills when empty or when android-sample/jvm-test.pom.xml or the SDK
# list below changed: .tools/android-jvm/ (an ignored folder of the
# repository; ANDROID_JVM_CACHE moves it). lib/ is the test classpath,
# android/ the framework jars Robolectric loads offline
# (robolectric.dependency.dir). Nothing is fetched while the tests run.
#
# Compiled: every .kt under app/src/main/kotlin except .../sample/ui/ (which
# needs the resources only the Android build processes), and every .kt
# under app/src/test/kotlin. Run: every class in a file named *Test.kt.
#   android-sample/jvm-test.sh                 fill the cache if needed, compile, run
#   android-sample/jvm-test.sh --print-paths   only print the paths it would use
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-rust.sh
source scripts/target-dir.sh
# Absolute: mvn reads paths relative to the pom's folder.
cache="$(realpath -m "${ANDROID_JVM_CACHE:-.tools/android-jvm}")"
out="$target_dir/android-sample"
native="$target_dir/debug"
bindings="$target_dir/bindings/kotlin/uniffi/pushdoctor_ffi"
if [ "${1:-}" = --print-paths ]; then
    printf 'cache=%s\nout=%s\njna.library.path=%s\n' "$cache" "$out" "$native"
    exit 0
fi
sample=android-sample/app/src
pom=android-sample/jvm-test.pom.xml

# The Android framework, as Robolectric 4.17 names its jars: compile against
# android-all for targetSdk 35; run on the instrumented jar of each SDK
# level a test asks for (@Config(sdk = ...); app/src/test/resources/
# robolectric.properties sets 35 for the rest). Robolectric 4.17 runs levels
# up to 35 on Java 17; 36 and later would need Java 21.
compile_jar=android-all-15-robolectric-13954326.jar
android_jars=(
    org.robolectric:android-all:15-robolectric-13954326
    org.robolectric:android-all-instrumented:8.0.0_r4-robolectric-r1-i7   # API 26, minSdk
    org.robolectric:android-all-instrumented:15-robolectric-13954326-i7   # API 35, targetSdk
)

command -v java >/dev/null || { echo "jvm-test.sh: a Java runtime (17 or newer) is needed" >&2; exit 2; }
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ "${java_major%%.*}" -lt 17 ] 2>/dev/null; then
    echo "jvm-test.sh: Robolectric 4.17 with Android 15 needs Java 17 or newer; java here is $java_major" >&2
    exit 2
fi

# --- the cache ---------------------------------------------------------------
# Kotlin's standard library comes with the compiler that built the code
# (kotlinx, the coroutines, is fetched).
not_fetched=kotlin-stdlib,kotlin-stdlib-jdk7,kotlin-stdlib-jdk8,kotlin-stdlib-common
stamp="$( (cat "$pom"; printf '%s\n' "${android_jars[@]}" "$not_fetched") | sha256sum | cut -c1-16)"
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$stamp" ]; then
    if ! command -v mvn >/dev/null; then
        echo "installing Maven from Debian"
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && apt-get install -y -qq maven >/dev/null
        else
            sudo apt-get update -qq && sudo apt-get install -y -qq maven >/dev/null
        fi
    fi
    echo "fetching Robolectric, JUnit, JNA, coroutines and android-all from Maven Central into $cache"
    rm -rf "$cache"
    mkdir -p "$cache"
    # A repository of its own, thrown away once copied: the cache holds
    # each jar once, and nothing depends on ~/.m2.
    # Quiet, and without the colour codes Maven's launcher prints anyway.
    fetch() {
        mvn -B -q -f "$pom" -Dmaven.repo.local="$cache/m2" "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
    }
    fetch dependency:copy-dependencies -DincludeScope=runtime \
        -DexcludeArtifactIds="$not_fetched" -DoutputDirectory="$cache/lib"
    for artifact in "${android_jars[@]}"; do
        fetch dependency:copy -Dartifact="$artifact" -DoutputDirectory="$cache/android"
    done
    # Robolectric's own AARs (androidx.test's monitor and Espresso's idling
    # resource, both on Maven Central): their classes.jar is what goes on a
    # JVM classpath.
    python3 - "$cache/lib" <<'PY'
import glob, os, sys, zipfile
for aar in glob.glob(os.path.join(sys.argv[1], "*.aar")):
    with zipfile.ZipFile(aar) as z:
        if "classes.jar" in z.namelist():
            with open(aar[:-len(".aar")] + ".jar", "wb") as out:
                out.write(z.read("classes.jar"))
    os.remove(aar)
PY
    rm -rf "$cache/m2"
    echo "$stamp" > "$cache/stamp"
fi

# --- compile -----------------------------------------------------------------
source scripts/ensure-kotlin.sh
bash bindings/generate.sh debug
classpath="$(printf '%s:' "$cache"/lib/*.jar)$kotlin_home/lib/kotlin-stdlib.jar"
android="$cache/android/$compile_jar"
mapfile -t sources < <(
    find "$sample/main/kotlin" -name '*.kt' -not -path '*/dev/pushdoctor/sample/ui/*' 2>/dev/null
    find "$sample/test/kotlin" -name '*.kt' 2>/dev/null
)
mapfile -t tests < <(find "$sample/test/kotlin" -name '*Test.kt' 2>/dev/null | sort)
if [ "${#tests[@]}" -eq 0 ]; then
    echo "jvm-test.sh: no *Test.kt under $sample/test/kotlin" >&2
    exit 1
fi
mkdir -p "$out"
jar="$out/jvm-tests.jar"
code_stamp="$(cat "$bindings"/*.kt "${sources[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$jar" ] || [ "$(cat "$out/jvm-tests.stamp" 2>/dev/null)" != "$code_stamp" ]; then
    echo "compiling the sample's Kotlin (${#sources[@]} files) against $compile_jar"
    "$kotlin_home/bin/kotlinc" -nowarn -jvm-target 17 -cp "$classpath:$android" \
        "$bindings"/*.kt "${sources[@]}" -d "$jar"
    echo "$code_stamp" > "$out/jvm-tests.stamp"
fi

# --- run ---------------------------------------------------------------------
# Each test class by its package and file name: a new file runs without
# being listed here.
classes=()
for file in "${tests[@]}"; do
    package="$(sed -n 's/^package \([A-Za-z0-9_.]*\).*/\1/p' "$file" | head -n 1)"
    name="$(basename "$file" .kt)"
    classes+=("${package:+$package.}$name")
done
resources="$sample/test/resources"
# android-all is on the classpath as android.jar is under Gradle: Robolectric
# reads the framework's types there before its sandbox loads the
# instrumented jar for the test's SDK level.
# --add-opens: Robolectric's shadow of ParcelFileDescriptor (the share
# provider's tests) reaches into java.io, as the Gradle build allows too.
java --add-opens=java.base/java.io=ALL-UNNAMED \
    -Drobolectric.offline=true -Drobolectric.dependency.dir="$cache/android" \
    -Djna.library.path="$native" \
    -cp "$jar:$resources:$classpath:$android" \
    org.junit.runner.JUnitCore "${classes[@]}"
